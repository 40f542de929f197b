// The catalog cache's rules, against a real Redis with a clock the test moves (no sleeping, nothing timed):
// stale-while-revalidate (a stale entry is served at once while exactly one refresh runs), the hard TTL,
// single-flight on a cold key, invalidation racing a load, and the database fallback when Redis is down.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../test/helpers/env.js';
import { type Cache, Cached, createCache, RawJson } from './cache.js';
import { createRedis, type Redis, type RedisClient } from './redis.js';

let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  const quiet = { warn() {}, info() {} } as unknown as FastifyBaseLogger;
  redis = createRedis(REDIS_URL, quiet);
  expect(await redis.connect()).toBe(true);
});

afterAll(async () => {
  for (const prefix of prefixes) {
    for await (const keys of redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await redis.client.del(keys);
    }
  }
  await redis.close();
});

/** A loader the test finishes by hand, counting its calls. */
function controlledLoader<T>() {
  const calls: Array<(value: T | undefined) => void> = [];
  const loader = () => new Promise<T | undefined>((resolve) => calls.push(resolve));
  return { loader, calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function makeCache(options: {
  ttlSeconds?: number;
  staleSeconds?: number;
  l1TtlMs?: number;
  client?: RedisClient;
  l1MaxBytes?: number;
  redisHashMaxBytes?: number;
}) {
  const clock = { t: 1_700_000_000_000 };
  const prefix = `cache-test:${randomUUID()}:`;
  prefixes.push(prefix);
  const cache: Cache = createCache({
    redis: options.client ?? redis.client,
    prefix,
    ttlSeconds: options.ttlSeconds ?? 10,
    staleSeconds: options.staleSeconds,
    singleFlight: true,
    l1TtlMs: options.l1TtlMs ?? 5_000,
    l1MaxBytes: options.l1MaxBytes,
    redisHashMaxBytes: options.redisHashMaxBytes,
    sweepIntervalMs: 0,
    now: () => clock.t,
  });
  return { cache, clock, prefix };
}

describe('stale-while-revalidate', () => {
  it.each([
    ['with L1', 5_000],
    ['without L1 (Redis only)', 0],
  ])('%s: past the soft TTL the stale entry is served at once while exactly one refresh runs', async (_, l1TtlMs) => {
    const { cache, clock } = makeCache({ ttlSeconds: 10, l1TtlMs });
    let version = 1;
    let loads = 0;
    const gate = controlledLoader<{ version: number }>();
    const loader = () => {
      loads++;
      return version === 1 ? Promise.resolve({ version }) : gate.loader();
    };
    const first = await cache.getOrLoad('product:1', loader);
    expect([first?.value, first?.result]).toEqual([{ version: 1 }, 'miss']);

    clock.t += 12_000; // past the soft TTL (10 s ± 10 %), within the hard TTL (+10 s)
    version = 2;
    const during = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad('product:1', loader)));
    // Every request answered from the stale copy without waiting for the (unfinished) reload.
    expect(during.map((c) => c?.value)).toEqual(Array(20).fill({ version: 1 }));
    expect(during.every((c) => c?.hit)).toBe(true);
    await settle();
    expect(gate.calls.length).toBe(1);
    expect(loads).toBe(2);

    gate.calls[0]!({ version: 2 });
    await settle();
    expect((await cache.getOrLoad('product:1', loader))?.value).toEqual({ version: 2 });
    expect(loads).toBe(2);
  });

  it('an L1 hit, fresh or stale, is answered synchronously (no promise); a miss is a promise', async () => {
    const { cache, clock } = makeCache({ ttlSeconds: 10, l1TtlMs: 5_000 });
    let loads = 0;
    const loader = async () => ({ version: ++loads });
    const cold = cache.getOrLoad('product:2', loader);
    expect(cold).toBeInstanceOf(Promise);
    await cold;

    const warm = cache.getOrLoad('product:2', loader);
    expect(warm).toBeInstanceOf(Cached);
    expect([(warm as Cached<unknown>).value, (warm as Cached<unknown>).result]).toEqual([{ version: 1 }, 'hit']);

    clock.t += 12_000; // stale: still served at once, and the one refresh starts behind it
    const stale = cache.getOrLoad('product:2', loader);
    expect(stale).toBeInstanceOf(Cached);
    expect((stale as Cached<unknown>).value).toEqual({ version: 1 });
    await settle();
    expect(loads).toBe(2);
    expect((cache.getOrLoad('product:2', loader) as Cached<unknown>).value).toEqual({ version: 2 });

    clock.t += 60_000; // past the hard TTL: never served, so a load (a promise) again
    expect(cache.getOrLoad('product:2', loader)).toBeInstanceOf(Promise);
  });

  it('an instance whose L1 turned stale picks up the refresh another instance already stored in Redis', async () => {
    const a = makeCache({ ttlSeconds: 10, l1TtlMs: 2_000 });
    const b = createCache({
      redis: redis.client,
      prefix: a.prefix,
      ttlSeconds: 10,
      singleFlight: true,
      l1TtlMs: 2_000,
      now: () => a.clock.t,
    });
    let version = 1;
    let loads = 0;
    const loader = async () => {
      loads++;
      return { version };
    };
    await a.cache.getOrLoad('k', loader);
    expect((await b.getOrLoad('k', loader))?.value).toEqual({ version: 1 }); // from Redis
    expect(loads).toBe(1);

    a.clock.t += 12_000;
    version = 2;
    await a.cache.getOrLoad('k', loader); // stale: a refreshes
    await settle();
    expect(loads).toBe(2);
    expect((await b.getOrLoad('k', loader))?.value).toEqual({ version: 1 }); // b's L1 copy, re-checked behind
    await settle();
    expect((await b.getOrLoad('k', loader))?.value).toEqual({ version: 2 });
    expect(loads).toBe(2); // b found a's refresh in Redis: one query per expiry, not one per instance here
  });

  it('a failed refresh keeps serving the stale copy until the hard TTL', async () => {
    const { cache, clock } = makeCache({ ttlSeconds: 10, staleSeconds: 10 });
    let fail = false;
    const loader = async () => {
      if (fail) throw new Error('database down');
      return { ok: true };
    };
    await cache.getOrLoad('k', loader);
    clock.t += 12_000;
    fail = true;
    expect((await cache.getOrLoad('k', loader))?.value).toEqual({ ok: true });
    await settle();
    expect((await cache.getOrLoad('k', loader))?.value).toEqual({ ok: true });
  });
});

describe('hard TTL', () => {
  it('never serves an entry past soft + stale TTL: that request waits for the reload', async () => {
    const { cache, clock } = makeCache({ ttlSeconds: 10, staleSeconds: 5 });
    let version = 1;
    const loader = async () => ({ version });
    await cache.getOrLoad('k', loader);
    clock.t += 17_000; // past 11 s (longest jittered soft TTL) + 5 s stale
    version = 2;
    const after = await cache.getOrLoad('k', loader);
    expect([after?.value, after?.result]).toEqual([{ version: 2 }, 'miss']);
  });

  it('keeps the Redis copy for the hard TTL, with its soft expiry stored next to the value', async () => {
    const { cache, clock, prefix } = makeCache({ ttlSeconds: 100, staleSeconds: 50 });
    await cache.getOrLoad('k', async () => ({ a: 1 }));
    const ttl = await redis.client.ttl(`${prefix}cache:k`);
    expect(ttl).toBeGreaterThanOrEqual(140);
    expect(ttl).toBeLessThanOrEqual(160);
    const stored = (await redis.client.get(`${prefix}cache:k`))!;
    const freshUntil = Number(stored.slice(0, stored.indexOf(':')));
    expect(freshUntil - clock.t).toBeGreaterThanOrEqual(90_000);
    expect(freshUntil - clock.t).toBeLessThanOrEqual(110_000);
    expect(stored.slice(stored.indexOf(':') + 1)).toBe('{"a":1}');
  });
});

describe('single-flight', () => {
  it('50 concurrent requests for a cold key wait for one load', async () => {
    const { cache } = makeCache({});
    const gate = controlledLoader<{ n: number }>();
    const all = Promise.all(Array.from({ length: 50 }, () => cache.getOrLoad('cold', gate.loader)));
    await settle();
    expect(gate.calls.length).toBe(1);
    gate.calls[0]!({ n: 1 });
    const results = await all;
    expect(results.every((r) => r?.json === '{"n":1}')).toBe(true);
  });

  it('a load that raced an invalidation is returned but not cached', async () => {
    const { cache } = makeCache({});
    const gate = controlledLoader<{ price: number }>();
    const pending = cache.getOrLoad('product:9', gate.loader);
    await settle();
    await cache.invalidate('product:9'); // an admin changed the price while the old row was being read
    gate.calls[0]!({ price: 100 });
    expect((await pending)?.value).toEqual({ price: 100 });
    const next = await cache.getOrLoad('product:9', async () => ({ price: 120 }));
    expect(next?.value).toEqual({ price: 120 });
  });
});

describe('marking stale (a checkout changed stock)', () => {
  /** Two instances of one region: a's cache and b's, sharing Redis and the invalidation channel. */
  async function twoInstances(l1TtlMs: number) {
    const a = makeCache({ ttlSeconds: 10, l1TtlMs });
    const subscriber = redis.client.duplicate();
    await subscriber.connect();
    const b = createCache({
      redis: redis.client,
      prefix: a.prefix,
      ttlSeconds: 10,
      singleFlight: true,
      l1TtlMs,
      sweepIntervalMs: 0,
      now: () => a.clock.t,
      subscribe: (channel, onMessage) => subscriber.subscribe(channel, onMessage),
    });
    return { a: a.cache, b, clock: a.clock, prefix: a.prefix, close: () => subscriber.quit() };
  }

  it.each([
    ['with L1', 30_000],
    ['without L1 (Redis only)', 0],
  ])(
    '%s: every instance answers the copy at once, one refresh replaces it, and the pre-write copy is not stored again',
    async (_, l1TtlMs) => {
      const { a, b, close } = await twoInstances(l1TtlMs);
      try {
        let stock = 9;
        let loads = 0;
        const gate = controlledLoader<{ stock: number }>();
        const loader = () => {
          loads++;
          return loads === 1 ? Promise.resolve({ stock }) : gate.loader();
        };
        await a.getOrLoad('product:1', loader, undefined);
        await a.getOrLoad('list', async () => ({ page: 1, stock }), '20:');
        expect((await b.getOrLoad('product:1', loader))?.value).toEqual({ stock: 9 });
        expect(loads).toBe(1);

        stock = 5; // the checkout committed
        expect(await a.markStale('product:1', 'list')).toBe(true);
        await settle(); // the message reaches b

        // Both answer from the copy without waiting; exactly one load starts behind them (b's, the first asked).
        const seen = await Promise.all([b.getOrLoad('product:1', loader), a.getOrLoad('product:1', loader)]);
        expect(seen.map((c) => [c?.value, c?.result])).toEqual([
          [{ stock: 9 }, 'hit'],
          [{ stock: 9 }, 'hit'],
        ]);
        await settle();
        expect(gate.calls.length).toBeGreaterThanOrEqual(1);
        for (const resolve of gate.calls) resolve({ stock });
        await settle();
        expect((await b.getOrLoad('product:1', loader))?.value).toEqual({ stock: 5 });
        expect((await a.getOrLoad('product:1', loader))?.value).toEqual({ stock: 5 });
        // List pages (hash fields) were marked too: the next read refreshes them.
        const listLoader = async () => ({ page: 1, stock });
        expect((await a.getOrLoad('list', listLoader, '20:'))?.value).toEqual({ page: 1, stock: 9 });
        await settle();
        expect((await a.getOrLoad('list', listLoader, '20:'))?.value).toEqual({ page: 1, stock: 5 });
      } finally {
        await close();
      }
    },
  );

  it('a load that started before the mark (it may have read the pre-write row) is returned but not cached', async () => {
    const { cache } = makeCache({ ttlSeconds: 10, l1TtlMs: 30_000 });
    const gate = controlledLoader<{ stock: number }>();
    const pending = cache.getOrLoad('product:7', gate.loader);
    await settle();
    await cache.markStale('product:7');
    gate.calls[0]!({ stock: 9 }); // read before the checkout committed
    expect((await pending)?.value).toEqual({ stock: 9 });
    const next = await cache.getOrLoad('product:7', async () => ({ stock: 5 }));
    expect(next?.value).toEqual({ stock: 5 });
  });

  it('keeps the Redis copy and its TTL: only its freshness ends', async () => {
    const { cache, clock, prefix } = makeCache({ ttlSeconds: 10, l1TtlMs: 0 });
    await cache.getOrLoad('product:3', async () => ({ stock: 2 }));
    const ttlBefore = await redis.client.ttl(`${prefix}cache:product:3`);
    await cache.markStale('product:3');
    const stored = (await redis.client.get(`${prefix}cache:product:3`))!;
    expect(stored).toBe(`${clock.t}:{"stock":2}`);
    expect(await redis.client.ttl(`${prefix}cache:product:3`)).toBe(ttlBefore);
  });
});

describe('raw JSON', () => {
  it('caches and returns JSON text a loader built (e.g. in PostgreSQL) as it is, parsed only on demand', async () => {
    const { cache, prefix } = makeCache({});
    const text = '{"items":[{"id":"a"}],"nextCursor":null}';
    const loaded = await cache.getOrLoad<{ items: unknown[] }>('page', async () => new RawJson(text), '20:');
    expect(loaded?.json).toBe(text);
    expect(loaded?.value.items).toEqual([{ id: 'a' }]);
    const stored = (await redis.client.hGet(`${prefix}cache:page`, '20:'))!;
    expect(stored.slice(stored.indexOf(':') + 1)).toBe(text);
  });
});

describe('Redis down', () => {
  const failing = new Proxy({} as RedisClient, {
    get: () => () => Promise.reject(new Error('ClientOfflineError')),
  });

  it('serves from the loader (result "error"), then from L1, and refreshes from the loader', async () => {
    const { cache, clock } = makeCache({ client: failing, l1TtlMs: 5_000 });
    let loads = 0;
    const loader = async () => ({ loads: ++loads });
    const first = await cache.getOrLoad('k', loader);
    expect([first?.value, first?.result]).toEqual([{ loads: 1 }, 'error']);
    const second = await cache.getOrLoad('k', loader);
    expect([second?.value, second?.hit]).toEqual([{ loads: 1 }, true]);
    clock.t += 6_000; // L1 re-check due: Redis still down, so the loader refreshes in the background
    expect((await cache.getOrLoad('k', loader))?.value).toEqual({ loads: 1 });
    await settle();
    expect((await cache.getOrLoad('k', loader))?.value).toEqual({ loads: 2 });
    expect(await cache.invalidate('k')).toBe(false);
  });
});

describe('bounded by construction (issue #23)', () => {
  const page = (n: number) => async () => new RawJson(`{"items":["${'x'.repeat(1_000)}"],"n":${n}}`);

  it('L1 keeps within its byte budget, the oldest entries going first, and still serves the newest', async () => {
    const { cache } = makeCache({ l1MaxBytes: 20_000 });
    for (let n = 0; n < 50; n++) await cache.getOrLoad(`product:${n}`, page(n));
    const { entries, bytes } = cache.l1Usage();
    expect(bytes).toBeLessThanOrEqual(20_000);
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(50);
    // The newest is an L1 hit (synchronous); the oldest is no longer in L1 (a promise: read from Redis).
    expect(cache.getOrLoad('product:49', page(49))).toBeInstanceOf(Cached);
    expect(cache.getOrLoad('product:0', page(0))).toBeInstanceOf(Promise);
  });

  it('drops entries past their hard TTL from L1 without waiting for a read', async () => {
    const { cache, clock } = makeCache({ ttlSeconds: 10 });
    for (let n = 0; n < 5; n++) await cache.getOrLoad(`product:${n}`, page(n));
    expect(cache.l1Usage().entries).toBe(5);
    clock.t += 15_000; // stale, still servable: kept
    cache.sweepExpired();
    expect(cache.l1Usage().entries).toBe(5);
    clock.t += 10_000; // past soft + stale TTL: nothing could serve them
    cache.sweepExpired();
    expect(cache.l1Usage()).toEqual({ entries: 0, bytes: 0 });
  });

  it('stores no more list pages in Redis than the hash budget, and serves the others from the loader', async () => {
    const { cache, prefix } = makeCache({ l1TtlMs: 0, redisHashMaxBytes: 5_000 });
    const pages = await Promise.all(Array.from({ length: 20 }, (_, n) => cache.getOrLoad('lists', page(n), `20:${n}`)));
    expect(pages.every((p) => p?.result === 'miss')).toBe(true);
    const stored = await redis.client.hGetAll(`${prefix}cache:lists`);
    const fields = Object.keys(stored).filter((f) => !f.startsWith('\u0000'));
    const bytes = fields.reduce((sum, f) => sum + f.length + stored[f]!.length, 0);
    expect(fields.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(5_000);
    expect(Number(stored['\u0000bytes'])).toBe(bytes);
    // A page that fitted is a hit; one that did not is loaded again (nothing was stored for it).
    expect((await cache.getOrLoad('lists', page(0), '20:0'))?.hit).toBe(true);
    expect((await cache.getOrLoad('lists', page(19), '20:19'))?.hit).toBe(false);
  });

  it('gives the list hash one TTL, from its first page: later pages do not keep it alive', async () => {
    const { cache, prefix } = makeCache({ ttlSeconds: 10, l1TtlMs: 0 });
    await cache.getOrLoad('lists', page(0), '20:a');
    const ttl = await redis.client.ttl(`${prefix}cache:lists`);
    await redis.client.expire(`${prefix}cache:lists`, 5); // as if the first page had been written 15 s ago
    await cache.getOrLoad('lists', page(1), '20:b');
    expect(ttl).toBeGreaterThan(10);
    expect(await redis.client.ttl(`${prefix}cache:lists`)).toBeLessThanOrEqual(5);
  });
});
