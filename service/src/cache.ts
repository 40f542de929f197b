// Cache-aside for the catalog, in Redis.
// - TTL with ±10 % jitter, so keys written together do not all expire (and reload) together.
// - Single-flight: concurrent misses on one key in this process share one loader call, so a cold key reaches
//   the database once per instance however many requests arrive at once.
// - Invalidation: `invalidate` deletes keys at once when an admin changes a product (this region only;
//   other regions see the change when their TTL runs out — see README).
// - Redis down: the loader's value is served straight from the database, logged once per outage by redis.ts.
// Hand-written on purpose: the caching libraries we looked at either lack single-flight or hide Redis errors.
import type { Metrics } from './metrics.js';
import type { RedisClient } from './redis.js';

export type CacheResult<T> = { value: T; hit: boolean };

export interface CacheOptions {
  redis: RedisClient;
  prefix: string;
  ttlSeconds: number;
  singleFlight: boolean;
  metrics?: Metrics;
}

export function createCache(options: CacheOptions) {
  const { redis, prefix, ttlSeconds, metrics } = options;
  const inFlight = new Map<string, Promise<unknown>>();
  const key = (k: string) => `${prefix}cache:${k}`;
  const jittered = () => Math.max(1, Math.round(ttlSeconds * (0.9 + Math.random() * 0.2)));

  async function read(k: string, field?: string): Promise<string | null | undefined> {
    try {
      return field === undefined ? await redis.get(key(k)) : await redis.hGet(key(k), field);
    } catch {
      return undefined; // Redis unavailable: the caller goes to the database.
    }
  }

  async function write(k: string, value: string, field?: string): Promise<void> {
    try {
      if (field === undefined) {
        await redis.set(key(k), value, { expiration: { type: 'EX', value: jittered() } });
      } else {
        // A hash groups every cached page of a list, so one DEL invalidates all of them.
        await redis.multi().hSet(key(k), field, value).expire(key(k), jittered(), 'NX').exec();
      }
    } catch {
      /* Redis unavailable: nothing to store. */
    }
  }

  async function load<T>(k: string, field: string | undefined, loader: () => Promise<T>): Promise<T> {
    if (!options.singleFlight) return loader();
    const flightKey = field === undefined ? k : `${k}\u0000${field}`;
    const pending = inFlight.get(flightKey) as Promise<T> | undefined;
    if (pending) return pending;
    const promise = loader().finally(() => inFlight.delete(flightKey));
    inFlight.set(flightKey, promise);
    return promise;
  }

  return {
    enabled: ttlSeconds > 0,
    /**
     * Returns the cached value of `k` (or of `field` in hash `k`), else loads, stores and returns it.
     * `undefined` from the loader means "nothing there" and is not cached.
     */
    async getOrLoad<T>(k: string, loader: () => Promise<T>, field?: string): Promise<CacheResult<T>> {
      if (ttlSeconds <= 0) return { value: await loader(), hit: false };
      const cached = await read(k, field);
      if (cached !== undefined && cached !== null) {
        metrics?.cacheRequests.inc({ result: 'hit' });
        return { value: JSON.parse(cached) as T, hit: true };
      }
      metrics?.cacheRequests.inc({ result: cached === undefined ? 'error' : 'miss' });
      const value = await load(k, field, loader);
      if (cached === null && value !== undefined) await write(k, JSON.stringify(value), field);
      return { value, hit: false };
    },
    /** Drops keys at once. Errors are swallowed but reported: a stale entry lives at most one TTL. */
    async invalidate(...keys: string[]): Promise<boolean> {
      if (ttlSeconds <= 0 || keys.length === 0) return true;
      try {
        await redis.del(keys.map(key));
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type Cache = ReturnType<typeof createCache>;
