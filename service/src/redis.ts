// The node-redis v5 client shared by sessions, the catalog cache and the rate limiter.
// Failure policy: never queue commands while disconnected (fail fast instead of hanging a request), bound every
// command with a timeout, and keep reconnecting in the background so the service recovers by itself.
import type { FastifyBaseLogger } from 'fastify';
import { createClient, TimeoutError } from 'redis';

/** Longest a single Redis command may take before the caller treats Redis as unavailable. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * Bounds every call on `target` (and on the MULTI builders and iterators it returns) by `ms`. node-redis's own
 * command `timeout` stops counting once a command is written to the socket, so a Redis that accepts
 * connections but never answers (stuck, partitioned) would otherwise hang requests forever. Late replies are
 * still read in order by node-redis; only the caller stops waiting.
 */
function withDeadline<T extends object>(target: T, ms: number): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(obj, args);
        if (result instanceof Promise) {
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutError()), ms);
          });
          return Promise.race([result, deadline]).finally(() => clearTimeout(timer));
        }
        return result !== null && typeof result === 'object' ? withDeadline(result, ms) : result;
      };
    },
  });
}

export function createRedis(url: string, log: FastifyBaseLogger) {
  const base = createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: 10_000,
    socket: {
      connectTimeout: 2_000,
      // Exponential back-off capped at 2 s, forever: Redis coming back is picked up without a restart.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
  let down = false;
  base.on('error', (err: Error) => {
    // One warning per outage, not one per reconnect attempt or request.
    if (!down)
      log.warn({ err: err.message }, 'Redis unavailable; catalog served from the database, sessions answer 503');
    down = true;
  });
  base.on('ready', () => {
    if (down) log.info('Redis connection restored');
    down = false;
  });
  // Pub/sub needs a connection of its own; made on first use, reconnected (and resubscribed) like the main one.
  let subscriber: typeof base | undefined;
  // One deadline per call (withDeadline) is enough; node-redis's own per-command timeout would add a second
  // timer and abort signal to every command.
  const client = withDeadline(base, REDIS_COMMAND_TIMEOUT_MS);
  return {
    client,
    /** Connects, but gives up waiting after `waitMs`: the service starts (degraded) while Redis is down. */
    async connect(waitMs = 2_000): Promise<boolean> {
      const connecting = base.connect().then(
        () => true,
        () => false,
      );
      const timer = new Promise<boolean>((resolve) => setTimeout(resolve, waitMs, false).unref());
      return Promise.race([connecting, timer]);
    },
    /** Listens on `channel` on a dedicated connection (node-redis resubscribes after reconnecting). */
    async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
      subscriber ??= base.duplicate();
      subscriber.on('error', () => {}); // reported once by the main client's listener
      if (!subscriber.isOpen) await subscriber.connect();
      await subscriber.subscribe(channel, listener);
    },
    get isReady(): boolean {
      return base.isReady;
    },
    async ping(): Promise<void> {
      await client.ping();
    },
    async close(): Promise<void> {
      if (subscriber?.isOpen) await subscriber.close().catch(() => subscriber?.destroy());
      if (base.isOpen) {
        await base.close().catch(() => base.destroy());
      } else {
        base.destroy();
      }
    },
  };
}

export type Redis = ReturnType<typeof createRedis>;
export type RedisClient = Redis['client'];
