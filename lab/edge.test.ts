// Issue #22: no personal data is ever served from the shared cache. Two shoppers sign in through the lab's edge
// (the real nginx of lab/edge.ts, configured as in `npm run lab`) in front of the real service, interleave their
// catalog reads, carts, checkouts and histories, and neither ever sees the other's cart, orders or cookie, while
// the catalog they share does come from the edge's copy.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from '../service/test/helpers/app.js';
import { EdgeLocation, FROM_EDGE_COPY } from './edge.js';
import { stopAll } from './processes.js';
import { type Answer, Browser } from './shoppers.js';

let ctx: TestContext;
let edge: EdgeLocation;
const productIds: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  for (let i = 0; i < 4; i++) productIds.push((await insertProduct(ctx.db, { stock: 100 })).id);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (ctx.app.server.address() as AddressInfo).port;
  edge = await EdgeLocation.start('test', 2, () => port);
}, 120_000);

afterAll(async () => {
  await edge?.destroy();
  await stopAll();
  await ctx?.close();
});

/** A shopper whose every answer is kept, with the cookies it was sent. */
class Shopper {
  readonly browser = new Browser();
  readonly answers: { path: string; answer: Answer }[] = [];
  readonly cookiesSent: string[] = [];

  constructor(readonly email: string) {}

  async call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const answer = await this.browser.request(edge.url, method, path, body, headers);
    this.answers.push({ path, answer });
    for (const c of answer.headers?.getSetCookie() ?? []) this.cookiesSent.push(c.split(';')[0]!);
    return answer;
  }
}

describe('two shoppers through the edge', () => {
  it('never see each other’s cart, orders or cookie; the catalog they share comes from the edge', async () => {
    const a = new Shopper('edge-a@test.io');
    const b = new Shopper('edge-b@test.io');
    for (const s of [a, b]) {
      const account = { email: s.email, password: 'edge-password-1' };
      expect((await s.call('POST', '/api/auth/register', account)).status).toBe(202);
      expect((await s.call('POST', '/api/auth/login', account)).status).toBe(200);
    }
    const mine = new Map([
      [a, productIds[0]!],
      [b, productIds[1]!],
    ]);
    // Interleaved, as two people shopping at once through one edge location.
    for (let round = 0; round < 3; round++) {
      for (const [s, product] of mine) {
        expect((await s.call('GET', '/', undefined, { accept: 'text/html' })).status).toBe(200);
        expect((await s.call('GET', '/api/products?limit=20')).status).toBe(200);
        expect((await s.call('GET', `/api/products/${product}`)).status).toBe(200);
        expect((await s.call('PUT', `/api/cart/items/${product}`, { quantity: round + 1 })).status).toBe(200);
        const cart = await s.call('GET', '/api/cart');
        expect(cart.body.items.map((i: { productId: string }) => i.productId)).toEqual([product]);
      }
    }
    const orders = new Map<Shopper, string>();
    for (const [s] of mine) {
      const order = await s.call('POST', '/api/orders', undefined, { 'idempotency-key': `edge-${s.email}` });
      expect(order.status).toBe(201);
      orders.set(s, order.body.id);
    }
    for (const [s, product] of mine) {
      const other = s === a ? b : a;
      const history = await s.call('GET', '/api/orders');
      expect(history.status).toBe(200);
      expect(history.body.items.map((o: { id: string }) => o.id)).toEqual([orders.get(s)]);
      expect(JSON.stringify(history.body)).not.toContain(orders.get(other)!);
      expect(JSON.stringify(history.body)).toContain(product);
      const me = await s.call('GET', '/api/auth/me');
      expect(me.body.email).toBe(s.email);
    }

    // Cookies: each got its own session cookie, never the other's, and never from a shared answer.
    const sids = (s: Shopper) => s.cookiesSent.filter((c) => c.startsWith('sid='));
    expect(sids(a).length).toBeGreaterThan(0);
    expect(sids(b).length).toBeGreaterThan(0);
    for (const c of sids(a)) expect(sids(b)).not.toContain(c);
    for (const s of [a, b]) {
      for (const { path, answer } of s.answers) {
        const cache = answer.headers?.get('x-edge-cache') ?? '';
        if (path.startsWith('/api/products') || path === '/') continue;
        // Personal answers: never from the edge's copy, never stored.
        expect(FROM_EDGE_COPY.has(cache), `${path}: ${cache}`).toBe(false);
        expect(answer.headers?.get('cache-control'), path).toBe('private, no-store');
      }
      for (const { path, answer } of s.answers.filter((x) => x.answer.headers?.get('set-cookie'))) {
        expect(FROM_EDGE_COPY.has(answer.headers?.get('x-edge-cache') ?? ''), path).toBe(false);
      }
    }
    // The shared catalog did come from the edge's copy (so the test exercised the cache).
    const catalogHits = [...a.answers, ...b.answers].filter(
      ({ path, answer }) =>
        path.startsWith('/api/products') && FROM_EDGE_COPY.has(answer.headers?.get('x-edge-cache') ?? ''),
    );
    expect(catalogHits.length).toBeGreaterThanOrEqual(8);
  });

  it('keeps no copy of a personal answer: the next shopper without a cookie is signed out', async () => {
    const anonymous = new Shopper('nobody@test.io');
    for (const path of ['/api/cart', '/api/orders', '/api/auth/me']) {
      const res = await anonymous.call('GET', path);
      expect(FROM_EDGE_COPY.has(res.headers?.get('x-edge-cache') ?? ''), path).toBe(false);
      // Nothing personal: an empty cart, or 401 for what needs a sign-in.
      if (path === '/api/cart') expect(res.body.items ?? []).toEqual([]);
      else expect(res.status, path).toBe(401);
    }
  });
});
