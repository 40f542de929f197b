// Issue #22: what a shared cache (CloudFront, the lab's nginx edge) may keep, route by route. The catalog and the
// page shell are shareable and never carry a cookie, even for a signed-in shopper; everything personal, everything
// that sets a cookie and every error is `private, no-store`.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../web/build/build-web.js';
import {
  EDGE_STALE_IF_ERROR_SECONDS,
  PRIVATE_NO_STORE,
  SHARED_CACHE_CONTROL,
  sharedOnlyWithoutCookies,
} from '../src/http-caching.js';
import { createTestContext, insertProduct, insertUser, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let shopper: Client;
let admin: Client;
let productId: string;
let secondPage: string;

beforeAll(async () => {
  await ensureWebBuild();
  ctx = await createTestContext();
  for (let i = 0; i < 5; i++) productId = (await insertProduct(ctx.db)).id;
  await insertUser(ctx.db, 'admin@edge.io', 'admin-password-1', 'admin');
  admin = new Client(ctx.app);
  await admin.login('admin@edge.io', 'admin-password-1');
  shopper = new Client(ctx.app);
  await shopper.register('edge-shopper@test.io');
  await shopper.put(`/api/cart/items/${productId}`, { quantity: 1 });
  const first = await ctx.app.inject({ url: '/api/products?limit=2' });
  secondPage = `/api/products?limit=2&cursor=${first.json().nextCursor}`;
}, 120_000);
afterAll(() => ctx?.close());

const html = { accept: 'text/html' };

describe('shared answers: the catalog and the page shell', () => {
  const shared = () => [
    { url: '/api/products' },
    { url: '/api/products?limit=2' },
    { url: secondPage },
    { url: `/api/products/${productId}` },
    { url: '/', headers: html },
    { url: '/cart', headers: html },
    { url: `/products/${productId}`, headers: html },
  ];

  it('may be kept by a shared cache: s-maxage, stale-while-revalidate, stale-if-error; browsers revalidate', async () => {
    for (const request of shared()) {
      const res = await ctx.app.inject(request);
      expect(res.statusCode, request.url).toBe(200);
      const cc = res.headers['cache-control'];
      expect(cc, request.url).toBe(SHARED_CACHE_CONTROL);
      expect(cc).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/);
      expect(res.headers['set-cookie'], request.url).toBeUndefined();
    }
  });

  it('never set a cookie, not even to a signed-in shopper, and answer them exactly as an anonymous one', async () => {
    const cookieBefore = shopper.sessionCookie;
    expect(cookieBefore).toBeDefined();
    for (const request of shared()) {
      const anonymous = await ctx.app.inject(request);
      const signedIn = await shopper.request({ method: 'GET', ...request });
      expect(signedIn.headers['set-cookie'], request.url).toBeUndefined();
      expect(signedIn.headers['cache-control'], request.url).toBe(SHARED_CACHE_CONTROL);
      // The same bytes for everyone: nothing of the session leaks into what the edge keeps.
      expect(signedIn.body, request.url).toBe(anonymous.body);
    }
    // A malformed or foreign session cookie changes nothing either.
    const forged = await ctx.app.inject({ url: '/api/products', headers: { cookie: 'sid=forged.value; other=1' } });
    expect(forged.headers['set-cookie']).toBeUndefined();
    expect(forged.headers['cache-control']).toBe(SHARED_CACHE_CONTROL);
    expect(shopper.sessionCookie).toBe(cookieBefore);
  });

  it('rides out a regional failover: stale-if-error is at least half an hour', () => {
    expect(EDGE_STALE_IF_ERROR_SECONDS).toBeGreaterThanOrEqual(1_800);
  });
});

describe('private answers: personal, cookie-setting, errors', () => {
  it('cart, orders, account and sign-in are private, no-store', async () => {
    const answers = [
      await shopper.get('/api/cart'),
      await shopper.put(`/api/cart/items/${productId}`, { quantity: 2 }),
      await shopper.get('/api/orders'),
      await shopper.post('/api/orders', undefined, { 'idempotency-key': 'edge-cache-1' }),
      await shopper.get('/api/auth/me'),
      await new Client(ctx.app).post('/api/auth/login', { email: 'admin@edge.io', password: 'admin-password-1' }),
      await new Client(ctx.app).put(`/api/cart/items/${productId}`, { quantity: 1 }),
      await admin.patch(`/api/products/${productId}`, { name: 'Renamed by the admin' }),
    ];
    for (const res of answers) {
      expect(res.statusCode, res.body).toBeLessThan(300);
      expect(res.headers['cache-control'], res.body).toBe(PRIVATE_NO_STORE);
    }
    // The answers that set a cookie (sign-in, a first cart write) are among them.
    expect(answers.filter((r) => r.headers['set-cookie']).length).toBeGreaterThanOrEqual(2);
  });

  it('every error is private, no-store, on the catalog routes too', async () => {
    const errors = [
      await ctx.app.inject({ url: '/api/products/00000000-0000-4000-8000-000000000000' }),
      await ctx.app.inject({ url: '/api/products/not-a-uuid' }),
      await ctx.app.inject({ url: '/api/products?limit=0' }),
      await ctx.app.inject({ url: '/api/no-such-route' }),
      await ctx.app.inject({ url: '/cart', headers: { accept: 'application/json' } }),
      await ctx.app.inject({ url: '/api/orders' }),
    ];
    for (const res of errors) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers['cache-control'], `${res.statusCode} ${res.body}`).toBe(PRIVATE_NO_STORE);
    }
  });

  it('operational endpoints are not shareable', async () => {
    for (const url of ['/health', '/ready', '/metrics']) {
      const res = await ctx.app.inject({ url });
      expect(res.headers['cache-control'], url).toBe(PRIVATE_NO_STORE);
    }
  });
});

describe('the second lock on shared routes', () => {
  it('turns a shareable answer that carries a cookie, or an error, into private, no-store', async () => {
    const app = Fastify();
    app.addHook('onSend', sharedOnlyWithoutCookies);
    app.get('/with-cookie', (_req, reply) => {
      reply.header('cache-control', SHARED_CACHE_CONTROL).header('set-cookie', 'sid=x; Path=/').send('{}');
    });
    app.get('/failing', (_req, reply) => {
      reply.header('cache-control', SHARED_CACHE_CONTROL).code(503).send('{}');
    });
    app.get('/fine', (_req, reply) => {
      reply.header('cache-control', SHARED_CACHE_CONTROL).send('{}');
    });
    expect((await app.inject({ url: '/with-cookie' })).headers['cache-control']).toBe(PRIVATE_NO_STORE);
    expect((await app.inject({ url: '/failing' })).headers['cache-control']).toBe(PRIVATE_NO_STORE);
    expect((await app.inject({ url: '/fine' })).headers['cache-control']).toBe(SHARED_CACHE_CONTROL);
    await app.close();
  });
});
