// Issue #23 (low): sessions are stored only when there is something to keep, and an anonymous one (a cart) lives
// ANONYMOUS_SESSION_TTL_SECONDS, not the 7 days of a signed-in one, in Redis and in the cookie alike. Every
// cookie-less cart write used to store a 7-day session.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CART_MAX_LINES } from '../src/routes/cart.js';
import { createTestContext, insertProduct, insertUser, type ProductFixture, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { REDIS_URL } from './helpers/env.js';

const ANONYMOUS_TTL = 1800;
const SIGNED_IN_TTL = 7 * 24 * 3600;

let ctx: TestContext;
let product: ProductFixture;
const redis = createClient({ url: REDIS_URL });
beforeAll(async () => {
  ctx = await createTestContext({ ANONYMOUS_SESSION_TTL_SECONDS: String(ANONYMOUS_TTL) });
  product = await insertProduct(ctx.db, { stock: 100 });
  await insertUser(ctx.db, 'lifetime@test.io', 'lifetime-password-1', 'customer');
  await redis.connect();
});
afterAll(async () => {
  await redis.close();
  await ctx?.close();
});

async function sessionKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${ctx.prefix}sess:*`, COUNT: 500 })) keys.push(...batch);
  return keys;
}

/** The Redis TTL of the session behind the client's cookie. */
async function ttlOf(client: Client): Promise<number> {
  const id = decodeURIComponent(client.sessionCookie!).split('.')[0];
  return redis.ttl(`${ctx.prefix}sess:${id}`);
}

/** Seconds until the session cookie's Expires, rounded to the minute (the test machine is slow). */
function cookieLifetime(setCookie: string | string[] | undefined): number {
  const match = /Expires=([^;]+)/i.exec(String(setCookie));
  expect(match, String(setCookie)).not.toBeNull();
  return Math.round((Date.parse(match![1]!) - Date.now()) / 60_000) * 60;
}

describe('anonymous sessions', () => {
  it('are not stored for requests that leave nothing to keep', async () => {
    const before = (await sessionKeys()).length;
    const answers = await Promise.all([
      ctx.app.inject({ url: '/api/cart' }),
      ctx.app.inject({ method: 'DELETE', url: `/api/cart/items/${product.id}` }),
      ctx.app.inject({ method: 'PUT', url: `/api/cart/items/${crypto.randomUUID()}`, payload: { quantity: 1 } }),
      ctx.app.inject({ method: 'POST', url: '/api/orders' }),
      ctx.app.inject({ url: '/api/auth/me' }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 404, 401, 401]);
    for (const a of answers) expect(a.headers['set-cookie']).toBeUndefined();
    expect(await sessionKeys()).toHaveLength(before);
  });

  it('live ANONYMOUS_SESSION_TTL_SECONDS (cookie and Redis), and 7 days once signed in', async () => {
    const c = new Client(ctx.app);
    const put = await c.put(`/api/cart/items/${product.id}`, { quantity: 1 });
    expect(put.statusCode).toBe(200);
    expect(cookieLifetime(put.headers['set-cookie'])).toBe(ANONYMOUS_TTL);
    const anonymousTtl = await ttlOf(c);
    expect(anonymousTtl).toBeGreaterThan(ANONYMOUS_TTL - 60);
    expect(anonymousTtl).toBeLessThanOrEqual(ANONYMOUS_TTL);

    const login = await c.post('/api/auth/login', { email: 'lifetime@test.io', password: 'lifetime-password-1' });
    expect(login.statusCode).toBe(200);
    expect(cookieLifetime(login.headers['set-cookie'])).toBe(SIGNED_IN_TTL);
    expect(await ttlOf(c)).toBeGreaterThan(SIGNED_IN_TTL - 60);
    // The cart came along, and a later change keeps the signed-in lifetime.
    const again = await c.put(`/api/cart/items/${product.id}`, { quantity: 2 });
    expect(cookieLifetime(again.headers['set-cookie'])).toBe(SIGNED_IN_TTL);
    expect(await ttlOf(c)).toBeGreaterThan(SIGNED_IN_TTL - 60);
    expect(again.json().items).toEqual([expect.objectContaining({ productId: product.id, quantity: 2 })]);
  });

  it(`hold at most ${CART_MAX_LINES} different products (409 beyond), so each stored session stays small`, async () => {
    const c = new Client(ctx.app);
    const many = await Promise.all(
      Array.from({ length: CART_MAX_LINES + 1 }, () => insertProduct(ctx.db, { priceCents: 1, stock: 5 })),
    );
    for (const p of many.slice(0, CART_MAX_LINES)) {
      expect((await c.put(`/api/cart/items/${p.id}`, { quantity: 1 })).statusCode).toBe(200);
    }
    const over = await c.put(`/api/cart/items/${many[CART_MAX_LINES]!.id}`, { quantity: 1 });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ statusCode: 409, error: 'Conflict', message: expect.stringContaining('50') });
    // Changing a product already in the full cart still works.
    expect((await c.put(`/api/cart/items/${many[0]!.id}`, { quantity: 2 })).statusCode).toBe(200);
    expect((await c.get('/api/cart')).json().items).toHaveLength(CART_MAX_LINES);
    // What docs/failure-modes.md counts per anonymous session: a full cart stays under 4 KB in Redis (2.3 KB measured).
    const id = decodeURIComponent(c.sessionCookie!).split('.')[0];
    const bytes = await redis.strLen(`${ctx.prefix}sess:${id}`);
    expect(bytes).toBeLessThan(4096);
  });
});
