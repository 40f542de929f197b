// The rate-limit stores against a real Redis: the batched global store counts locally at once and shares totals
// through Redis every flush, keeps enforcing alone while Redis is down; the exact per-route store is one
// atomic INCR per request.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix } from '../../test/helpers/app.js';
import { REDIS_URL } from '../../test/helpers/env.js';
import { createRedis, type Redis } from '../redis.js';
import { BatchedStore, redisRateLimitStore } from './rate-limit-store.js';

const silent = { warn() {}, info() {} } as unknown as FastifyBaseLogger;
const prefix = `edgecart-test:${randomBytes(5).toString('hex')}:`;
const WINDOW_MS = 60_000;
const FLUSHED_MS = 300; // a flush runs every 100 ms
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(REDIS_URL, silent);
  expect(await redis.connect()).toBe(true);
});
afterAll(async () => {
  await clearRedisPrefix(prefix);
  await redis?.close();
});

type Store = {
  incr(
    key: string,
    callback: (err: Error | null, result?: { current: number; ttl: number }) => void,
    windowMs: number,
  ): void;
  child(route: { routeInfo: { method: string; url: string } }): Store;
};

function newStore(client: Redis['client'] = redis.client): Store {
  const Store = redisRateLimitStore(client, prefix);
  return new Store() as unknown as Store;
}

/** The batched store of the global limit, as ip-rate-limit.ts builds it. */
function newBatchedStore(client: Redis['client'] = redis.client): BatchedStore {
  return new BatchedStore(client, `${prefix}rl:`);
}

function incr(store: Store, key: string, windowMs = WINDOW_MS) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (err, result) => (err ? reject(err) : resolve(result!)), windowMs),
  );
}

describe('batched store (the global per-IP limit)', () => {
  it('counts each request at once, without waiting for Redis, then adds the counts to Redis in one flush', async () => {
    const store = newBatchedStore();
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(store.count('ip-a', WINDOW_MS));
    expect(seen.map((r) => r.current)).toEqual([1, 2, 3]);
    expect(seen.every((r) => r.ttl > 0 && r.ttl <= WINDOW_MS)).toBe(true);
    expect(await redis.client.get(`${prefix}rl:ip-a`)).toBeNull();
    await sleep(FLUSHED_MS);
    expect(await redis.client.get(`${prefix}rl:ip-a`)).toBe('3');
    const ttl = await redis.client.pTTL(`${prefix}rl:ip-a`);
    expect(ttl).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('learns the region-wide total from Redis: counts of another instance count here after a flush', async () => {
    const [here, there] = [newBatchedStore(), newBatchedStore()];
    for (let i = 0; i < 5; i++) there.count('ip-b', WINDOW_MS);
    await sleep(FLUSHED_MS);
    expect(here.count('ip-b', WINDOW_MS).current).toBe(1); // not learnt yet: this instance has not flushed
    await sleep(FLUSHED_MS);
    expect(here.count('ip-b', WINDOW_MS).current).toBe(7); // 5 there + 1 flushed here + this one
  });

  it('starts a new window once the old one has ended', async () => {
    const store = newBatchedStore();
    expect(store.count('ip-c', 200).current).toBe(1);
    expect(store.count('ip-c', 200).current).toBe(2);
    await sleep(400);
    expect(store.count('ip-c', 200).current).toBe(1);
  });

  it('keeps counting on its own while Redis is unavailable, so the limit still holds per instance', async () => {
    const offline = createRedis('redis://127.0.0.1:1', silent);
    expect(await offline.connect(100)).toBe(false); // connecting, and failing, in the background
    try {
      const store = newBatchedStore(offline.client);
      for (let i = 0; i < 4; i++) store.count('ip-d', WINDOW_MS);
      await sleep(FLUSHED_MS); // the flush fails; the counts are kept
      expect(store.count('ip-d', WINDOW_MS).current).toBe(5);
    } finally {
      await offline.close();
    }
  });
});

describe('exact store (a route with its own limit: login, register)', () => {
  const route = { routeInfo: { method: 'POST', url: '/api/auth/login' } };

  it('is one atomic INCR per request in Redis, keyed by route, with the window as its expiry', async () => {
    const login = newStore().child(route);
    const results = await Promise.all(Array.from({ length: 5 }, () => incr(login, 'ip-e')));
    expect(results.map((r) => r.current).sort()).toEqual([1, 2, 3, 4, 5]);
    // Another instance's store sees the same counter at once.
    expect((await incr(newStore().child(route), 'ip-e')).current).toBe(6);
    const key = `${prefix}rl:POST/api/auth/login:ip-e`;
    expect(await redis.client.get(key)).toBe('6');
    expect(await redis.client.pTTL(key)).toBeGreaterThan(WINDOW_MS - 5_000);
  });

  it('reports a Redis failure to the plugin (which then lets the request through: skipOnError)', async () => {
    const offline = createRedis('redis://127.0.0.1:1', silent);
    expect(await offline.connect(100)).toBe(false); // connecting, and failing, in the background
    try {
      await expect(incr(newStore(offline.client).child(route), 'ip-f')).rejects.toBeInstanceOf(Error);
    } finally {
      await offline.close();
    }
  });
});
