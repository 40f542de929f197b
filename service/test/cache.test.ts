// Cache-aside behaviour a shopper and an operator notice: one database query per cold key per instance
// under a burst (single-flight), TTL with jitter, and the catalog still served when Redis is down.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from './helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

async function dbQueries(app: TestContext['app']): Promise<number> {
  const metric = await app.deps.metrics.dbQueries.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

/** A TCP port nothing listens on (a Redis that is down). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('single-flight', () => {
  it('sends 50 concurrent misses on one cold key to the database once', async () => {
    const p = await insertProduct(ctx.db);
    const before = await dbQueries(ctx.app);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => ctx.app.inject({ url: `/api/products/${p.id}` })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(responses.filter((r) => r.headers['x-cache'] === 'miss').length).toBeGreaterThan(0);
    expect((await dbQueries(ctx.app)) - before).toBe(1);
  });

  it('does the same for a cold list page', async () => {
    const before = await dbQueries(ctx.app);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => ctx.app.inject({ url: '/api/products?limit=13' })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect((await dbQueries(ctx.app)) - before).toBe(1);
  });

  it('without single-flight the same burst on a list page queries the database many times (the control)', async () => {
    // (Prisma batches identical findUnique calls of one tick by itself, so the control uses a list page.)
    const app = await ctx.anotherApp({ CACHE_SINGLE_FLIGHT: 'false' });
    const before = await dbQueries(app);
    await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/api/products?limit=17' })));
    expect((await dbQueries(app)) - before).toBeGreaterThan(5);
  });
});

describe('TTL', () => {
  it('keeps entries in Redis for their hard TTL: the configured TTL ±10 % jitter, plus as long again stale', async () => {
    const app = await ctx.anotherApp({ CACHE_TTL_SECONDS: '100' });
    const ttls: number[] = [];
    for (let i = 0; i < 12; i++) {
      const p = await insertProduct(ctx.db);
      await app.inject({ url: `/api/products/${p.id}` });
      ttls.push(await app.deps.redis.client.ttl(`${ctx.prefix}cache:product:${p.id}`));
    }
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(189);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(210);
    expect(new Set(ttls).size).toBeGreaterThan(1);
  });

  it('CACHE_TTL_SECONDS=0 turns the cache off: every read is a miss from the database', async () => {
    const app = await ctx.anotherApp({ CACHE_TTL_SECONDS: '0' });
    const p = await insertProduct(ctx.db);
    const a = await app.inject({ url: `/api/products/${p.id}` });
    const b = await app.inject({ url: `/api/products/${p.id}` });
    expect([a.headers['x-cache'], b.headers['x-cache']]).toEqual(['miss', 'miss']);
  });
});

describe('Redis unavailable', () => {
  it('still serves the catalog from the database, quickly, and reports redis fail on /ready', async () => {
    const port = await deadPort();
    const app = await ctx.anotherApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const p = await insertProduct(ctx.db, { name: 'Served without Redis' });
    const started = Date.now();
    const list = await app.inject({ url: '/api/products?limit=5' });
    const item = await app.inject({ url: `/api/products/${p.id}` });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);
    expect(item.statusCode).toBe(200);
    expect(item.json().name).toBe('Served without Redis');
    expect(item.headers['x-cache']).toBe('miss');

    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'fail' } });

    // Session routes fail fast with a clear 503 rather than hang.
    const cart = await app.inject({ method: 'PUT', url: `/api/cart/items/${p.id}`, payload: { quantity: 1 } });
    expect(cart.statusCode).toBe(503);
    expect(cart.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/session store/i),
    });
  });
});
