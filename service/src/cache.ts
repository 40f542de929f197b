// Cache-aside for the catalog: a small in-process L1 in front of Redis (the shared L2 of the region), with
// stale-while-revalidate, so that after the first fill no request waits for a reload.
// - Two TTLs per entry. Fresh for `ttlSeconds` (±10 % jitter, so keys written together do not all go stale
//   together); then *stale* for `staleSeconds` more: still served, while exactly one refresh per key per
//   instance runs in the background. Past both (the hard TTL) an entry is never served. Redis keeps an entry
//   for the hard TTL and stores its soft expiry with it (`<fresh-until ms>:<json>`), so every instance knows
//   how old the shared copy is.
// - L1 hits are served without any I/O, as the JSON text they were stored as (no parse, no re-serialise). An
//   L1 entry is re-checked against Redis every `l1TtlMs` (a few seconds), in the background: that bounds how
//   long a lost invalidation can keep it around, and picks up a refresh another instance made.
// - Single-flight: concurrent cold misses on one key in this process share one Redis read and, on a miss
//   there, one loader call, so a cold key reaches the database once per instance however many requests arrive.
// - Invalidation: `invalidate` deletes the keys in Redis and publishes them on a channel every instance of the
//   region listens to, so each drops its L1 copy at once (never served stale). Loads that started before an
//   invalidation are not cached. Other regions see a change when their TTL runs out.
// - Marking stale (a soft purge, as Varnish and Fastly call it): `markStale` keeps the copies but ends their
//   freshness, here, in Redis and in every instance: the next read is answered from the copy at once and starts
//   the one background refresh. A checkout uses it (the stock it changed shows after one refresh, and no shopper
//   waits for the load, which in a secondary region crosses to the primary); admin changes use `invalidate`.
//   As with `invalidate`, a load that started before it is not cached, so the pre-write row is never stored again.
// - Redis down: values come from the loader (the database), and L1 keeps serving and refreshing what it has.
// - Bounded by construction (issue #23): L1 holds at most `l1MaxBytes` (estimated, see `entryBytes`), oldest
//   first out, and a sweep drops entries past their hard TTL without waiting for a read. A hash field (a list
//   page) is written to Redis only while the hash stays within `redisHashMaxBytes` (a Lua script counts its
//   bytes), and a hash expires one hard TTL after its first field, never refreshed by later writes. Plain keys
//   (one per product) are bounded by what callers cache: only what exists, under a canonical key.
// Hand-written on purpose: the caching libraries we looked at lack single-flight, a raw-JSON L1, or hide
// Redis errors.
import type { Metrics } from './metrics.js';
import type { RedisClient } from './redis.js';

/** Where a value came from. hit: L1 or Redis (fresh or stale); miss: loaded; error: loaded, Redis unavailable. */
export type CacheResult = 'hit' | 'miss' | 'error';

/**
 * What a loader returns when its value is JSON text already (PostgreSQL built it): cached and sent as it is,
 * never parsed or re-serialised on the way.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

/** The JSON text of a loaded value, and the value itself when the loader produced an object. */
function serialise(value: unknown): { json: string; value?: unknown } {
  return value instanceof RawJson ? { json: value.json } : { json: JSON.stringify(value), value };
}

/** A cached value as JSON text, parsed only when someone needs the object. */
export class Cached<T> {
  private parsed: T | undefined;
  constructor(
    readonly json: string,
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
  /** How long an entry is fresh; 0 turns the cache off. */
  ttlSeconds: number;
  /** How long past `ttlSeconds` a stale entry is still served while it is refreshed (default: `ttlSeconds`). */
  staleSeconds?: number;
  singleFlight: boolean;
  /** How often an L1 entry is re-checked against Redis (in the background); 0 turns L1 off. */
  l1TtlMs: number;
  /** Most bytes (estimated) L1 holds; the oldest entries go first (default 16 MiB). */
  l1MaxBytes?: number;
  /** Most bytes one Redis hash (the list pages) may hold; further new fields are not cached (default 32 MiB). */
  redisHashMaxBytes?: number;
  /** How often L1 entries past their hard TTL are swept out (default 10 s; 0: only by `sweepExpired`). */
  sweepIntervalMs?: number;
  metrics?: Metrics;
  /** Subscribes to invalidations published by the other instances of the region. */
  subscribe?: (channel: string, listener: (message: string) => void) => Promise<void>;
  /** The clock (tests move it). */
  now?: () => number;
}

/** A value with its ages: fresh until `freshUntil`, then stale but served until `staleUntil`. */
interface Entry {
  json: string;
  freshUntil: number;
  staleUntil: number;
  value?: unknown;
}

interface L1Entry extends Entry {
  /** When to re-check this entry against Redis (at the latest when it turns stale). */
  checkAt: number;
  /** entryBytes of this entry. */
  bytes: number;
}

const SEPARATOR = '\u0000';

/**
 * What an L1 entry costs in the heap, estimated from above: its text at two bytes a character (V8 keeps
 * non-Latin-1 text as UTF-16), as much again for a parsed copy, the key, and the Map slot and entry object.
 * The byte budget is kept in these units.
 */
export function entryBytes(id: string, entry: { json: string; value?: unknown }): number {
  return 2 * (id.length + entry.json.length) + (entry.value === undefined ? 0 : 2 * entry.json.length) + 160;
}

/** The field of a hash that holds the byte count of the others (no page field starts with a NUL). */
const HASH_BYTES_FIELD = '\u0000bytes';

/**
 * Ends the freshness of the given keys in Redis (plain keys and every field of hashes), keeping each copy, its
 * Redis TTL and its length: the stored `<fresh-until ms>:` prefix becomes ARGV[1] (now, 13 digits like any epoch
 * ms until 2286) where it is later.
 */
const MARK_STALE = `
local function staled(v)
  local c = string.find(v, ':', 1, true)
  if not c then return nil end
  local freshUntil = tonumber(string.sub(v, 1, c - 1))
  if not freshUntil or freshUntil <= tonumber(ARGV[1]) then return nil end
  return ARGV[1] .. string.sub(v, c)
end
for _, k in ipairs(KEYS) do
  local t = redis.call('TYPE', k).ok
  if t == 'string' then
    local v = staled(redis.call('GET', k))
    if v then redis.call('SET', k, v, 'KEEPTTL') end
  elseif t == 'hash' then
    local all = redis.call('HGETALL', k)
    for i = 1, #all, 2 do
      if all[i] ~= ARGV[2] then
        local v = staled(all[i + 1])
        if v then redis.call('HSET', k, all[i], v) end
      end
    end
  end
end
return 1
`;

/**
 * Writes one hash field unless that would take the hash past its byte budget (returns 0 then); counts the bytes
 * of fields and values in HASH_BYTES_FIELD, so a DEL of the hash resets the count with it; gives the hash a TTL
 * only when it has none, so writes never keep an old hash (and pages nobody asks for any more) alive.
 * KEYS[1] hash; ARGV field, value, ttl seconds, budget bytes, the count's field.
 */
const BUDGETED_HSET = `
local used = tonumber(redis.call('HGET', KEYS[1], ARGV[5]) or '0')
local old = redis.call('HSTRLEN', KEYS[1], ARGV[1])
local delta = string.len(ARGV[2]) - old
if old == 0 then delta = delta + string.len(ARGV[1]) end
if used + delta > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[5], delta)
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1`;

export function createCache(options: CacheOptions) {
  const { redis, prefix, ttlSeconds, metrics } = options;
  const now = options.now ?? Date.now;
  const ttlMs = ttlSeconds * 1000;
  const staleMs = (options.staleSeconds ?? ttlSeconds) * 1000;
  const l1TtlMs = Math.min(options.l1TtlMs, ttlMs);
  const l1MaxBytes = options.l1MaxBytes ?? 16 * 1024 * 1024;
  const redisHashMaxBytes = options.redisHashMaxBytes ?? 32 * 1024 * 1024;
  const l1 = new Map<string, L1Entry>();
  /** Sum of entryBytes over L1. */
  let l1Bytes = 0;
  /** Cold loads in flight (single-flight). */
  const inFlight = new Map<string, Promise<Cached<unknown> | undefined>>();
  /** Background refreshes in flight: at most one per key in this process. */
  const refreshing = new Set<string>();
  /** Invalidations seen per key, so a load that raced one is not cached. */
  const generations = new Map<string, number>();
  const channel = `${prefix}cache:invalidate`;
  const key = (k: string) => `${prefix}cache:${k}`;
  const l1Key = (k: string, field?: string) => (field === undefined ? k : `${k}${SEPARATOR}${field}`);
  const generation = (k: string) => generations.get(k) ?? 0;
  // Label children bound once: a cached read counts without building a label object.
  const counted = metrics && {
    hit: metrics.cacheRequests.labels('hit'),
    miss: metrics.cacheRequests.labels('miss'),
    error: metrics.cacheRequests.labels('error'),
  };

  function fresh({ json, value }: { json: string; value?: unknown }): Entry {
    const freshUntil = now() + Math.round(ttlMs * (0.9 + Math.random() * 0.2));
    return { json, value, freshUntil, staleUntil: freshUntil + staleMs };
  }

  function drop(id: string): void {
    const entry = l1.get(id);
    if (!entry) return;
    l1Bytes -= entry.bytes;
    l1.delete(id);
  }

  function remember(id: string, entry: Entry): void {
    if (l1TtlMs <= 0) return;
    drop(id);
    const bytes = entryBytes(id, entry);
    if (bytes > l1MaxBytes) return;
    // Oldest first: a Map iterates in insertion order.
    for (const oldest of l1.keys()) {
      if (l1Bytes + bytes <= l1MaxBytes) break;
      drop(oldest);
    }
    l1.set(id, { ...entry, bytes, checkAt: Math.min(now() + l1TtlMs, entry.freshUntil) });
    l1Bytes += bytes;
  }

  /** Drops every L1 entry past its hard TTL (one that could never be served again). */
  function sweepExpired(): void {
    const t = now();
    for (const [id, entry] of l1) if (t >= entry.staleUntil) drop(id);
  }

  /** Whether L1 entry `id` is key `k` itself or, for a hash, one of its fields. */
  const belongsTo = (id: string, k: string) => id === k || id.startsWith(k + SEPARATOR);

  /** Drops `keys` (and every field of those that are hashes) from this process's L1. */
  function forgetLocally(keys: string[]): void {
    for (const k of keys) {
      generations.set(k, generation(k) + 1);
      for (const id of l1.keys()) if (belongsTo(id, k)) drop(id);
    }
  }

  /** Ends the freshness of `keys` (and of every field of those that are hashes) in this process's L1. */
  function staleLocally(keys: string[]): void {
    const t = now();
    for (const k of keys) {
      generations.set(k, generation(k) + 1);
      for (const [id, entry] of l1) {
        if (!belongsTo(id, k)) continue;
        entry.freshUntil = Math.min(entry.freshUntil, t);
        entry.checkAt = t; // the next read starts the refresh
      }
    }
  }

  /** The Redis copy: an entry, null when there is none (or only an expired or foreign one), undefined when Redis failed. */
  async function readRedis(k: string, field?: string): Promise<Entry | null | undefined> {
    let stored: string | null | undefined;
    try {
      stored = field === undefined ? await redis.get(key(k)) : await redis.hGet(key(k), field);
    } catch {
      return undefined; // Redis unavailable: the caller goes to the database.
    }
    if (stored == null) return null;
    const colon = stored.indexOf(':');
    const freshUntil = Number(stored.slice(0, colon));
    if (colon < 1 || !Number.isFinite(freshUntil)) return null; // written by an older version: reload it
    const entry = { json: stored.slice(colon + 1), freshUntil, staleUntil: freshUntil + staleMs };
    return now() < entry.staleUntil ? entry : null;
  }

  async function writeRedis(k: string, entry: Entry, field?: string): Promise<void> {
    const stored = `${entry.freshUntil}:${entry.json}`;
    const seconds = Math.max(1, Math.ceil((entry.staleUntil - now()) / 1000));
    try {
      if (field === undefined) {
        await redis.set(key(k), stored, { expiration: { type: 'EX', value: seconds } });
      } else {
        // A hash groups every cached page of a list, so one DEL invalidates all of them. Each page carries its
        // own ages; the hash lives one hard TTL from its first page and holds at most redisHashMaxBytes.
        await redis.eval(BUDGETED_HSET, {
          keys: [key(k)],
          arguments: [field, stored, String(seconds), String(redisHashMaxBytes), HASH_BYTES_FIELD],
        });
      }
    } catch {
      /* Redis unavailable: nothing to store. */
    }
  }

  /** Loads, stores (unless an invalidation raced the load) and returns the value; undefined = nothing there. */
  async function load<T>(
    k: string,
    field: string | undefined,
    loader: () => Promise<T | RawJson | undefined>,
    redisUp: boolean,
  ): Promise<Cached<T> | undefined> {
    const id = l1Key(k, field);
    const before = generation(k);
    const value = await loader();
    if (value === undefined) {
      drop(id); // gone from the database: stop serving the old copy
      return undefined;
    }
    const entry = fresh(serialise(value));
    if (generation(k) === before) {
      if (redisUp) await writeRedis(k, entry, field);
      remember(id, entry);
    }
    return new Cached<T>(entry.json, redisUp ? 'miss' : 'error', entry.value as T | undefined);
  }

  /**
   * Brings `k` up to date in the background while its stale copy is served: the Redis copy if another instance
   * refreshed it already, else one loader call. At most one per key in this process; a failure keeps the stale
   * copy (until its hard TTL) and is retried by a later request after a short pause.
   */
  function refresh<T>(
    k: string,
    field: string | undefined,
    loader: () => Promise<T | RawJson | undefined>,
    known?: Entry,
  ) {
    const id = l1Key(k, field);
    if (refreshing.has(id)) return;
    refreshing.add(id);
    void (async () => {
      const before = generation(k);
      // The caller may have just read Redis (a stale entry): no need to ask again.
      const shared = known ?? (await readRedis(k, field));
      if (shared && now() < shared.freshUntil) {
        if (generation(k) === before) remember(id, shared);
        return;
      }
      await load(k, field, loader, shared !== undefined);
    })()
      .catch(() => {
        const entry = l1.get(id);
        if (entry) entry.checkAt = now() + Math.min(1_000, l1TtlMs);
      })
      .finally(() => refreshing.delete(id));
  }

  /** Not in L1 (or past its hard TTL there): Redis, then the loader. */
  async function fetch<T>(
    k: string,
    field: string | undefined,
    loader: () => Promise<T | RawJson | undefined>,
  ): Promise<Cached<T> | undefined> {
    const id = l1Key(k, field);
    const before = generation(k);
    const shared = await readRedis(k, field);
    if (shared) {
      if (generation(k) === before) remember(id, shared);
      if (now() >= shared.freshUntil) refresh(k, field, loader, shared);
      return new Cached<T>(shared.json, 'hit');
    }
    return load(k, field, loader, shared === null);
  }

  /** The cache turned off (ttlSeconds 0): every read is a load. */
  async function loadUncached<T>(loader: () => Promise<T | RawJson | undefined>): Promise<Cached<T> | undefined> {
    const value = await loader();
    if (value === undefined) return undefined;
    const loaded = serialise(value);
    return new Cached<T>(loaded.json, 'miss', loaded.value as T | undefined);
  }

  if (options.subscribe && ttlSeconds > 0) {
    options
      .subscribe(channel, (message) => {
        try {
          const keys = JSON.parse(message) as string[] | { stale: string[] };
          if (Array.isArray(keys)) forgetLocally(keys);
          else staleLocally(keys.stale);
        } catch {
          /* not ours */
        }
      })
      .catch(() => {
        /* Redis unavailable at start: L1's re-check interval bounds staleness until it is back. */
      });
  }

  /** The L1 copy when it may be served (fresh or stale); a stale or due copy starts its background refresh. */
  function fromL1<T>(id: string, k: string, field: string | undefined, loader: () => Promise<T | RawJson | undefined>) {
    const local = l1.get(id);
    if (!local) return undefined;
    const t = now();
    if (t >= local.staleUntil) {
      drop(id);
      return undefined;
    }
    if (t >= local.checkAt) refresh(k, field, loader);
    counted?.hit.inc();
    return new Cached<T>(local.json, 'hit', local.value as T | undefined);
  }

  async function fromRedisOrLoader<T>(
    id: string,
    k: string,
    field: string | undefined,
    loader: () => Promise<T | RawJson | undefined>,
  ): Promise<Cached<T> | undefined> {
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
    counted?.[found?.result ?? 'miss'].inc();
    return found;
  }

  const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  const sweeper =
    ttlSeconds > 0 && l1TtlMs > 0 && sweepIntervalMs > 0 ? setInterval(sweepExpired, sweepIntervalMs) : undefined;
  sweeper?.unref();

  return {
    /**
     * The cached value of `k` (or of `field` in hash `k`), else loads, stores and returns it. A stale value is
     * returned at once while it is refreshed in the background. A loader answering `undefined` means "nothing
     * there"; that is not cached and comes back as undefined. A loader may answer RawJson (JSON text of a T).
     *
     * An L1 hit comes back synchronously, as the value itself (no promise): the warm catalog read, the hottest
     * path of the service, then costs no promise and no trip through the microtask queue between the route and
     * the response. Anything else comes back as a promise. `await` works for both; a hot route checks
     * `instanceof Cached` to send a hit at once.
     */
    getOrLoad<T>(
      k: string,
      loader: () => Promise<T | RawJson | undefined>,
      field?: string,
    ): Cached<T> | Promise<Cached<T> | undefined> {
      if (ttlSeconds <= 0) return loadUncached(loader);
      const id = l1Key(k, field);
      return fromL1<T>(id, k, field, loader) ?? fromRedisOrLoader(id, k, field, loader);
    },

    /**
     * Drops keys at once, here, in Redis and in every other instance's L1 (pub/sub). Errors are swallowed but
     * reported: if Redis is down, a stale entry lives at most one L1 re-check elsewhere and one TTL in Redis.
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

    /**
     * Ends the freshness of keys here, in Redis and in every other instance's L1 (pub/sub), keeping the copies:
     * each is served until its one background refresh replaces it (see the header). Errors are swallowed but
     * reported, as for `invalidate`.
     */
    async markStale(...keys: string[]): Promise<boolean> {
      if (ttlSeconds <= 0 || keys.length === 0) return true;
      staleLocally(keys);
      try {
        await redis.eval(MARK_STALE, { keys: keys.map(key), arguments: [String(now()), HASH_BYTES_FIELD] });
        await redis.publish(channel, JSON.stringify({ stale: keys }));
        return true;
      } catch {
        return false;
      }
    },

    /** Drops L1 entries past their hard TTL now (a timer does it every `sweepIntervalMs`). */
    sweepExpired,

    /** What L1 holds: entries and their estimated bytes (kept within `l1MaxBytes`). */
    l1Usage(): { entries: number; bytes: number } {
      return { entries: l1.size, bytes: l1Bytes };
    },

    /** Stops the sweep timer (on shutdown). */
    close(): void {
      clearInterval(sweeper);
    },
  };
}

export type Cache = ReturnType<typeof createCache>;
