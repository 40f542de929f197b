// Issue #23's CSRF finding: SameSite=Lax was the only defence, so a page on any sibling subdomain could post a
// text/plain "form" to POST /api/orders or /api/auth/logout with the shopper's cookie. Now unsafe methods take
// JSON or no body, and a browser's request from another origin (Sec-Fetch-Site, Origin) is refused with 403
// unless the origin is allowed (ALLOWED_ORIGINS); the shop's own requests and non-browser clients pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createTestContext, insertProduct, type ProductFixture, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let shopper: Client;
let tea: ProductFixture;
const SHOP = 'https://shop.example.com';

beforeAll(async () => {
  ctx = await createTestContext({ ALLOWED_ORIGINS: SHOP });
  tea = await insertProduct(ctx.db, { stock: 50 });
  shopper = new Client(ctx.app);
  await shopper.register('csrf@test.io');
  await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 1 });
});
afterAll(() => ctx?.close());

const orderCount = async () => Number((await ctx.db.pool.query('SELECT count(*) FROM orders')).rows[0].count);

describe('cross-site requests (issue #23)', () => {
  it.each([
    ['a sibling subdomain', { 'sec-fetch-site': 'same-site', origin: 'https://evil.example.com' }],
    ['another site', { 'sec-fetch-site': 'cross-site', origin: 'https://attacker.test' }],
    ['an old browser (Origin only)', { origin: 'https://attacker.test' }],
    ['a site that hides its Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a checkout from %s with 403, placing nothing', async (_, headers) => {
    const before = await orderCount();
    const res = await shopper.request({ method: 'POST', url: '/api/orders', headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      message: expect.stringContaining('Cross-site'),
    });
    expect(await orderCount()).toBe(before);
  });

  it('refuses a text/plain body (what a cross-site form can send) with 415 in the error shape', async () => {
    const res = await shopper.request({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, message: expect.any(String) });
    expect((await shopper.request({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });

  it('lets the shop itself, an allowed origin and non-browser clients through', async () => {
    const same = await shopper.request({
      method: 'PUT',
      url: `/api/cart/items/${tea.id}`,
      headers: { 'sec-fetch-site': 'same-origin', origin: 'https://whatever.test' },
      payload: { quantity: 2 },
    });
    expect(same.statusCode).toBe(200);
    const allowed = await shopper.request({
      method: 'PUT',
      url: `/api/cart/items/${tea.id}`,
      headers: { 'sec-fetch-site': 'same-site', origin: SHOP },
      payload: { quantity: 1 },
    });
    expect(allowed.statusCode).toBe(200);
    // curl, the load test: no Sec-Fetch-Site and no Origin.
    expect((await shopper.request({ method: 'POST', url: '/api/orders' })).statusCode).toBe(201);
    // Reads are never checked.
    expect(
      (await ctx.app.inject({ url: '/api/products', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode,
    ).toBe(200);
  });

  it("allows the shop's own origin by default in AWS (from ASSETS_BASE_URL) and CORS origins", () => {
    const c = loadConfig({ ASSETS_BASE_URL: 'https://shop.example.com/assets', CORS_ORIGINS: 'https://partner.test' });
    expect(c.allowedOrigins).toEqual(['https://shop.example.com', 'https://partner.test']);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'shop.example.com' })).toThrow(/ALLOWED_ORIGINS/);
  });
});
