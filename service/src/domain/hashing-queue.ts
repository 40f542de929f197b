// Admission control for password hashing. A hash costs tens of milliseconds of one core, runs on libuv's
// threadpool, and competes for the same cores as the event loop that serves every other request. So at most
// `concurrency` hashes run at once (half the machine's cores by default), a bounded number wait, and a request
// that cannot start hashing within `maxWaitMs` is turned away with 503 + Retry-After instead of queueing
// behind a flash sale's sign-ups. Hand-written: p-limit and p-queue bound concurrency but neither bounds the
// queue nor expires waiting work, which is the part that keeps a login burst from growing latency without end.
import { availableParallelism } from 'node:os';
import { HttpError } from '../errors.js';

export interface HashingQueueOptions {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting at most; one more is refused at once. */
  maxQueued: number;
  /** Longest a hash may wait for a slot before its request is refused. */
  maxWaitMs: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds?: number;
}

/** 503 with Retry-After: the server is busy hashing passwords, the request was not processed. */
export class HashingBusyError extends HttpError {
  constructor(
    readonly reason: 'queue full' | 'deadline passed',
    override readonly retryAfterSeconds: number,
  ) {
    super(503, 'Too many sign-ins at this moment; please retry in a few seconds');
    this.name = 'HashingBusyError';
  }
}

interface Waiting {
  start: () => void;
  timer: NodeJS.Timeout;
}

export function createHashingQueue(options: HashingQueueOptions) {
  const { concurrency, maxQueued, maxWaitMs } = options;
  const retryAfter = options.retryAfterSeconds ?? 2;
  const waiting: Waiting[] = [];
  let running = 0;

  function release(): void {
    running--;
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start();
    }
  }

  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    /** Runs `task` when a slot is free; rejects with HashingBusyError when the queue is full or the wait too long. */
    run<T>(task: () => Promise<T>): Promise<T> {
      const go = () => {
        running++;
        // A task that throws synchronously still frees its slot.
        return new Promise<T>((resolve) => resolve(task())).finally(release);
      };
      if (running < concurrency) return go();
      if (waiting.length >= maxQueued) return Promise.reject(new HashingBusyError('queue full', retryAfter));
      return new Promise<T>((resolve, reject) => {
        const entry: Waiting = {
          start: () => go().then(resolve, reject),
          timer: setTimeout(() => {
            waiting.splice(waiting.indexOf(entry), 1);
            reject(new HashingBusyError('deadline passed', retryAfter));
          }, maxWaitMs),
        };
        waiting.push(entry);
      });
    },
  };
}

export type HashingQueue = ReturnType<typeof createHashingQueue>;

/**
 * Sized to the machine: half its cores hash (at least one), so the event loop and the other half always have
 * a core, whatever the sign-up rate. 64 waiting per slot is about two seconds of work at ≈ 35 ms per hash: a
 * burst beyond that is refused at once. The deadline is the backstop for when hashes run slower than that (a
 * starved CPU): a shopper waits at most 5 s before being told to retry, never without end.
 */
export function defaultHashingQueueOptions(cpus = availableParallelism()): HashingQueueOptions {
  const concurrency = Math.max(1, Math.floor(cpus / 2));
  return { concurrency, maxQueued: 64 * concurrency, maxWaitMs: 5_000, retryAfterSeconds: 2 };
}
