// Rate-limit counters on node-redis v5 (@fastify/rate-limit's built-in Redis store only speaks ioredis, and a
// second Redis client just for rate limiting is not worth it). Hand-written, small, and both fixed-window:
// - The global per-IP limit (ip-rate-limit.ts) uses a batched counter: each instance counts locally and adds its
//   counts to the shared Redis counter every FLUSH_MS, learning the region-wide total in the same round trip. A
//   request costs no Redis round trip, the limit holds across instances to within one flush interval of traffic,
//   and while Redis is down each instance still enforces the limit on its own share.
// - Routes with their own stricter limit (login, register) use @fastify/rate-limit with an exact store: one
//   atomic INCR per request, because there a few attempts too many matter more than a round trip.
import type { RedisClient } from '../redis.js';

const FLUSH_MS = 100;

const EXACT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

const ADD_SCRIPT = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {total, ttl}`;

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;
type RouteOptions = { method?: string | string[]; url?: string; routeInfo?: { method: string; url: string } };

/** Exact: every request is one atomic INCR in Redis. */
class ExactStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  incr(key: string, callback: IncrCallback, timeWindow: number): void {
    this.redis
      .eval(EXACT_SCRIPT, { keys: [this.keyPrefix + key], arguments: [String(timeWindow)] })
      .then((reply) => {
        const [current, ttl] = reply as [number, number];
        callback(null, { current, ttl });
      })
      .catch((err: Error) => callback(err));
  }

  child(routeOptions: RouteOptions): ExactStore {
    const info = routeOptions.routeInfo ?? { method: String(routeOptions.method), url: String(routeOptions.url) };
    return new ExactStore(this.redis, `${this.keyPrefix}${info.method}${info.url}:`);
  }
}

interface Counter {
  /** Requests counted here and not yet added to Redis. */
  pending: number;
  /** The region-wide total as Redis last reported it (this instance's flushed counts included). */
  known: number;
  /** When the current window ends. */
  resetAt: number;
  window: number;
  flushing: boolean;
}

/** Batched (the global per-IP limit, ip-rate-limit.ts): local counting, shared totals through Redis every FLUSH_MS. */
export class BatchedStore {
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** Counts one request for `key` now, synchronously: the region-wide count so far and the window's ms left. */
  count(key: string, timeWindow: number): { current: number; ttl: number } {
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter || now >= counter.resetAt) {
      counter = { pending: 0, known: 0, resetAt: now + timeWindow, window: timeWindow, flushing: false };
      this.counters.set(key, counter);
    }
    counter.pending++;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    return { current: counter.known + counter.pending, ttl: counter.resetAt - now };
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [key, counter] of this.counters) {
      if (counter.pending === 0) {
        if (now >= counter.resetAt && !counter.flushing) this.counters.delete(key);
        continue;
      }
      if (counter.flushing) continue;
      const sent = counter.pending;
      counter.pending = 0;
      counter.flushing = true;
      this.redis
        .eval(ADD_SCRIPT, { keys: [this.keyPrefix + key], arguments: [String(sent), String(counter.window)] })
        .then((reply) => {
          const [total, ttl] = reply as [number, number];
          counter.known = total;
          counter.resetAt = Date.now() + ttl;
        })
        .catch(() => {
          // Redis unavailable: keep the counts locally, so this instance still enforces the limit.
          counter.known += sent;
        })
        .finally(() => {
          counter.flushing = false;
          if (counter.pending > 0) this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
        });
    }
  }
}

/**
 * The store class @fastify/rate-limit instantiates (it passes only its options, hence the closure). It serves only
 * the routes with a limit of their own (the plugin's global limit is off), each through child(): exact counts.
 */
export function redisRateLimitStore(redis: RedisClient, prefix: string) {
  return class NodeRedisRateLimitStore extends ExactStore {
    constructor() {
      super(redis, `${prefix}rl:`);
    }
  };
}
