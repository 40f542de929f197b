// The cart in the session: anonymous carts, quantity rules, prices from the catalog (never the client),
// and a cart made on one instance used on another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type ProductFixture, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let tea: ProductFixture;
let spice: ProductFixture;
beforeAll(async () => {
  ctx = await createTestContext();
  tea = await insertProduct(ctx.db, { priceCents: 89900 });
  spice = await insertProduct(ctx.db, { priceCents: 24900 });
});
afterAll(() => ctx?.close());

describe('cart', () => {
  it('starts empty without creating a session', async () => {
    const res = await ctx.app.inject({ url: '/api/cart' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], totalCents: 0, currency: null });
    // saveUninitialized: false — looking does not cost a Redis write or a cookie.
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('sets, changes and removes items, totalling at catalog prices', async () => {
    const c = new Client(ctx.app);
    let res = await c.put(`/api/cart/items/${tea.id}`, { quantity: 2 });
    expect(res.statusCode).toBe(200);
    res = await c.put(`/api/cart/items/${spice.id}`, { quantity: 3 });
    expect(res.json().totalCents).toBe(2 * 89900 + 3 * 24900);
    res = await c.put(`/api/cart/items/${tea.id}`, { quantity: 1 });
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        { productId: tea.id, quantity: 1, unitPriceCents: 89900 },
        { productId: spice.id, quantity: 3, unitPriceCents: 24900 },
      ]),
    );
    expect(res.json().totalCents).toBe(89900 + 3 * 24900);
    res = await c.delete(`/api/cart/items/${spice.id}`);
    expect(res.json()).toEqual({
      items: [{ productId: tea.id, quantity: 1, unitPriceCents: 89900 }],
      totalCents: 89900,
      currency: 'INR',
    });
    expect((await c.get('/api/cart')).json().totalCents).toBe(89900);
  });

  it('ignores a client-sent price', async () => {
    const c = new Client(ctx.app);
    const res = await c.request({
      method: 'PUT',
      url: `/api/cart/items/${tea.id}`,
      payload: { quantity: 1, unitPriceCents: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect((await c.get('/api/cart')).json().items).toEqual([]);
  });

  it('answers 404 for an unknown product and 400 for a malformed id or quantity, leaving the cart as it was', async () => {
    const c = new Client(ctx.app);
    await c.put(`/api/cart/items/${tea.id}`, { quantity: 2 });
    const before = (await c.get('/api/cart')).json();
    const cases: [string, unknown, number][] = [
      ['00000000-0000-4000-8000-000000000000', { quantity: 1 }, 404],
      ['not-a-uuid', { quantity: 1 }, 400],
      [tea.id, { quantity: 0 }, 400],
      [tea.id, { quantity: 100 }, 400],
      [tea.id, { quantity: 1.5 }, 400],
      [tea.id, { quantity: '2' }, 400],
      [tea.id, {}, 400],
      [tea.id, [1], 400],
    ];
    for (const [id, body, status] of cases) {
      const res = await c.put(`/api/cart/items/${id}`, body);
      expect(res.statusCode, `${id} ${JSON.stringify(body)}`).toBe(status);
      expect(res.json()).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    }
    expect((await c.get('/api/cart')).json()).toEqual(before);
  });

  it('follows the shopper to another instance (sessions in Redis)', async () => {
    const other = await ctx.anotherApp();
    const c = new Client(ctx.app);
    await c.put(`/api/cart/items/${tea.id}`, { quantity: 4 });
    c.useApp(other);
    expect((await c.get('/api/cart')).json().items).toEqual([
      { productId: tea.id, quantity: 4, unitPriceCents: 89900 },
    ]);
    await c.put(`/api/cart/items/${spice.id}`, { quantity: 1 });
    c.useApp(ctx.app);
    expect((await c.get('/api/cart')).json().items).toHaveLength(2);
  });
});
