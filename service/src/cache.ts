// Cache-aside for the catalog: a small in-process L1 in front of Redis (the shared L2 of the region).
// - Hits are served from L1 without any I/O, as the JSON text they were stored as (no parse, no re-serialise).
// - TTL with ±10 % jitter in Redis, so keys written together do not all expire (and reload) together; L1
//   entries live at most `l1TtlMs` (a few seconds), which bounds staleness even when invalidations are lost.
// - Single-flight: concurrent L1 misses on one key in this process share one Redis read and, on a miss there,
//   one loader call, so a cold key reaches the database once per instance however many requests arrive.
// - Invalidation: `invalidate` deletes the keys in Redis and publishes them on a channel every instance of the
//   region listens to, so each drops its L1 copy at once. Other regions see a change when their TTL runs out.
// - Redis down: values come from the loader (the database), and L1 keeps serving what it has.
// Hand-written on purpose: the caching libraries we looked at lack single-flight, a raw-JSON L1, or hide
// Redis errors.
import type { Metrics } from './metrics.js';
import type { RedisClient } from './redis.js';

/** A cached value as JSON text, parsed only when someone needs the object. */
export type CacheResult = 'hit' | 'miss' | 'error';

export class Cached<T> {
  private parsed: T | undefined;
  constructor(
    readonly json: string,
    /** hit: from L1 or Redis; miss: loaded; error: loaded because Redis was unavailable. */
    readonly result: CacheResult,
    value?: T,
  ) {
    this.parsed = value;
  }

  get hit(): boolean {
    return this.result === 'hit';
  }

  get value(): T {
    this.parsed ??= JSON.parse(this.json) as T;
    return this.parsed;
  }
}

export interface CacheOptions {
  redis: RedisClient;
  prefix: string;
  ttlSeconds: number;
  singleFlight: boolean;
  /** Longest an entry lives in this process's L1; 0 turns L1 off. */
  l1TtlMs: number;
  /** Most entries L1 holds; the oldest go first. */
  l1MaxEntries?: number;
  metrics?: Metrics;
  /** Subscribes to invalidations published by the other instances of the region. */
  subscribe?: (channel: string, listener: (message: string) => void) => Promise<void>;
}

interface L1Entry {
  json: string;
  expires: number;
  value?: unknown;
}

const SEPARATOR = '\u0000';

export function createCache(options: CacheOptions) {
  const { redis, prefix, ttlSeconds, metrics } = options;
  const l1TtlMs = Math.min(options.l1TtlMs, ttlSeconds * 1000);
  const l1Max = options.l1MaxEntries ?? 10_000;
  const l1 = new Map<string, L1Entry>();
  const inFlight = new Map<string, Promise<Cached<unknown> | undefined>>();
  const channel = `${prefix}cache:invalidate`;
  const key = (k: string) => `${prefix}cache:${k}`;
  const l1Key = (k: string, field?: string) => (field === undefined ? k : `${k}${SEPARATOR}${field}`);
  const jittered = () => Math.max(1, Math.round(ttlSeconds * (0.9 + Math.random() * 0.2)));

  function remember(id: string, json: string, value?: unknown): void {
    if (l1TtlMs <= 0) return;
    if (l1.size >= l1Max) l1.delete(l1.keys().next().value!);
    l1.set(id, { json, expires: Date.now() + l1TtlMs, value });
  }

  /** Drops `keys` (and every field of those that are hashes) from this process's L1. */
  function forgetLocally(keys: string[]): void {
    for (const k of keys) {
      l1.delete(k);
      for (const id of l1.keys()) if (id.startsWith(k + SEPARATOR)) l1.delete(id);
    }
  }

  async function readRedis(k: string, field?: string): Promise<string | null | undefined> {
    try {
      return field === undefined ? await redis.get(key(k)) : await redis.hGet(key(k), field);
    } catch {
      return undefined; // Redis unavailable: the caller goes to the database.
    }
  }

  async function writeRedis(k: string, value: string, field?: string): Promise<void> {
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

  /** L1 missed: Redis, then the loader. */
  async function fetch<T>(k: string, field: string | undefined, loader: () => Promise<T | undefined>) {
    const id = l1Key(k, field);
    const cached = await readRedis(k, field);
    if (cached !== undefined && cached !== null) {
      remember(id, cached);
      return new Cached<T>(cached, 'hit');
    }
    const value = await loader();
    if (value === undefined) return undefined;
    const json = JSON.stringify(value);
    if (cached === null) await writeRedis(k, json, field);
    remember(id, json, value);
    return new Cached<T>(json, cached === null ? 'miss' : 'error', value);
  }

  if (options.subscribe && ttlSeconds > 0) {
    options
      .subscribe(channel, (message) => {
        try {
          forgetLocally(JSON.parse(message) as string[]);
        } catch {
          /* not ours */
        }
      })
      .catch(() => {
        /* Redis unavailable at start: L1's short TTL bounds staleness until it is back. */
      });
  }

  return {
    enabled: ttlSeconds > 0,
    /**
     * The cached value of `k` (or of `field` in hash `k`), else loads, stores and returns it.
     * A loader answering `undefined` means "nothing there"; that is not cached and comes back as undefined.
     */
    async getOrLoad<T>(k: string, loader: () => Promise<T | undefined>, field?: string): Promise<Cached<T> | undefined> {
      if (ttlSeconds <= 0) {
        const value = await loader();
        return value === undefined ? undefined : new Cached<T>(JSON.stringify(value), 'miss', value);
      }
      const id = l1Key(k, field);
      const local = l1.get(id);
      if (local) {
        if (local.expires > Date.now()) {
          metrics?.cacheRequests.inc({ result: 'hit' });
          return new Cached<T>(local.json, 'hit', local.value as T | undefined);
        }
        l1.delete(id);
      }
      let pending = options.singleFlight ? (inFlight.get(id) as Promise<Cached<T> | undefined> | undefined) : undefined;
      if (!pending) {
        pending = fetch(k, field, loader);
        if (options.singleFlight) {
          inFlight.set(id, pending);
          pending.finally(() => inFlight.delete(id)).catch(() => {});
        }
      }
      const found = await pending;
      // Counted per request: a stampede of 200 on a cold key is 200 misses served by one query.
      metrics?.cacheRequests.inc({ result: found?.result ?? 'miss' });
      return found;
    },

    /**
     * Drops keys at once, here, in Redis and in every other instance's L1 (pub/sub). Errors are swallowed but
     * reported: if Redis is down, a stale entry lives at most one L1 TTL elsewhere and one TTL in Redis.
     */
    async invalidate(...keys: string[]): Promise<boolean> {
      if (ttlSeconds <= 0 || keys.length === 0) return true;
      forgetLocally(keys);
      try {
        await redis.del(keys.map(key));
        await redis.publish(channel, JSON.stringify(keys));
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type Cache = ReturnType<typeof createCache>;
