// Redis dies and returns. A dedicated redis-server (this file's own, on a free port) backs sessions, the cart,
// the catalog cache and the rate limiter. While it is down the catalog keeps answering from the database,
// session routes answer a clear 503 within a bound (never a hang), and /ready says redis "fail"; when it comes
// back everything recovers with no restart of the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, type ProductFixture, type TestContext } from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import { eventually, within } from './support/bounded.js';
import { killAll } from './support/processes.js';
import { RedisServer } from './support/redis-server.js';

/** The service bounds Redis commands at 500 ms; anything answering within this is not a hang. */
const BOUND_MS = 2_000;

let redis: RedisServer;
let ctx: TestContext;
let p1: ProductFixture;
let p2: ProductFixture;

beforeAll(async () => {
  redis = await RedisServer.start();
  ctx = await createTestContext({ REDIS_URL: redis.url });
  p1 = await insertProduct(ctx.db, { name: 'Kettle', priceCents: 2_500, stock: 50 });
  p2 = await insertProduct(ctx.db, { name: 'Teapot', priceCents: 1_800, stock: 50 });
  await insertUser(ctx.db, 'known@test.io', 'known-password-1', 'customer');
});

afterAll(async () => {
  // Redis first: a frozen Redis would otherwise hold the app's graceful close.
  await redis?.stop();
  await ctx?.close();
  await killAll();
});

const sessionUnavailable = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: expect.stringMatching(/session store is unavailable/i),
};

async function ready() {
  const res = await within(BOUND_MS, 'GET /ready', ctx.app.inject({ url: '/ready' }));
  return { status: res.statusCode, body: res.json() };
}

async function expectOutageBehaviour(shopper: Client, label: string) {
  // The catalog: 200 from the database, also for a product that is not in the cache.
  const list = await within(BOUND_MS, `${label}: GET /api/products`, ctx.app.inject({ url: '/api/products?limit=7' }));
  expect(list.statusCode).toBe(200);
  expect(list.json().items.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([p1.id, p2.id]));
  const one = await within(
    BOUND_MS,
    `${label}: GET /api/products/:id`,
    ctx.app.inject({ url: `/api/products/${p2.id}` }),
  );
  expect(one.statusCode).toBe(200);
  expect(one.json()).toMatchObject({ id: p2.id, name: 'Teapot' });

  // Session routes: a clear 503, quickly.
  const cart = await within(BOUND_MS, `${label}: GET /api/cart`, shopper.get('/api/cart'));
  expect(cart.statusCode).toBe(503);
  expect(cart.json()).toMatchObject(sessionUnavailable);
  expect(cart.headers['retry-after']).toBeDefined();
  const add = await within(
    BOUND_MS,
    `${label}: PUT /api/cart/items`,
    shopper.put(`/api/cart/items/${p2.id}`, { quantity: 1 }),
  );
  expect(add.statusCode).toBe(503);
  expect(add.json()).toMatchObject(sessionUnavailable);
  const login = await within(
    BOUND_MS,
    `${label}: POST /api/auth/login`,
    // Right credentials: logging in needs a new session, so it cannot succeed without Redis.
    new Client(ctx.app).post('/api/auth/login', { email: 'known@test.io', password: 'known-password-1' }),
  );
  expect(login.statusCode).toBe(503);
  expect(login.json()).toMatchObject(sessionUnavailable);

  expect(await ready()).toEqual({
    status: 503,
    body: { status: 'unavailable', checks: { database: 'ok', redis: 'fail' } },
  });
  // Liveness does not depend on Redis: the load balancer keeps the instance.
  expect((await ctx.app.inject({ url: '/health' })).statusCode).toBe(200);
}

async function waitForRecovery() {
  // Reconnect back-off is capped at 2 s.
  const recovered = await eventually(6_000, async () => (await ready()).status === 200);
  expect(recovered, 'Redis came back but /ready did not turn 200 within 6 s').toBe(true);
}

describe('Redis killed (connections refused), then restarted on the same port', () => {
  it('serves the catalog from the database, answers 503 on session routes, and recovers with no restart', async () => {
    const shopper = new Client(ctx.app);
    await shopper.register('killed@test.io');
    expect((await shopper.put(`/api/cart/items/${p1.id}`, { quantity: 2 })).statusCode).toBe(200);
    // Warm the cache, so both the cached and the uncached paths are exercised below.
    await ctx.app.inject({ url: '/api/products?limit=7' });
    expect((await ready()).status).toBe(200);

    await redis.kill();
    await expectOutageBehaviour(shopper, 'Redis killed');

    await redis.start();
    await waitForRecovery();
    // Nothing was persisted by that Redis (as with a cache node replaced without a replica): the old session is
    // gone, so the shopper is anonymous again and signs in again; the account itself is in the database.
    expect((await shopper.get('/api/auth/me')).statusCode).toBe(401);
    expect(await shopper.login('killed@test.io', 'correct-horse-battery')).toMatchObject({ email: 'killed@test.io' });
    expect((await shopper.put(`/api/cart/items/${p2.id}`, { quantity: 1 })).statusCode).toBe(200);
    const order = await shopper.post('/api/orders');
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ totalCents: 1_800 });
    const list = await ctx.app.inject({ url: '/api/products?limit=7' });
    expect(list.statusCode).toBe(200);
    // The cache is in use again.
    expect((await ctx.app.inject({ url: '/api/products?limit=7' })).headers['x-cache']).toBe('hit');
  });
});

describe('Redis frozen (SIGSTOP: connections open, nothing answers), then thawed', () => {
  it('answers within the bound while frozen, and the same session and cart continue after', async () => {
    const shopper = new Client(ctx.app);
    await shopper.register('frozen@test.io');
    expect((await shopper.put(`/api/cart/items/${p1.id}`, { quantity: 3 })).statusCode).toBe(200);
    expect((await ready()).status).toBe(200);

    redis.freeze();
    try {
      await expectOutageBehaviour(shopper, 'Redis frozen');
    } finally {
      redis.thaw();
    }

    await waitForRecovery();
    // Redis kept its data: the same session, with its cart, carries on.
    expect((await shopper.get('/api/auth/me')).json()).toMatchObject({ email: 'frozen@test.io' });
    const cart = await shopper.get('/api/cart');
    expect(cart.json()).toMatchObject({
      items: [{ productId: p1.id, quantity: 3, unitPriceCents: 2_500 }],
      totalCents: 7_500,
    });
    const order = await shopper.post('/api/orders');
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ totalCents: 7_500 });
  });
});
