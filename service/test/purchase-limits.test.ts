// Issue #23's "denial of inventory": with no payment, one account could order all the stock. A per-order cap
// (units of one product in one order) and a per-customer cap (units of one product per customer in 24 hours),
// both refused in the API's error shape, with nothing written; a retry of an order already placed still gets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type ProductFixture, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let tea: ProductFixture;

beforeAll(async () => {
  ctx = await createTestContext({ ORDER_MAX_UNITS_PER_PRODUCT: '5', CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY: '8' });
  tea = await insertProduct(ctx.db, { name: 'Scarce tea', stock: 12 });
});
afterAll(() => ctx?.close());

const stockOf = async (id: string) =>
  (await ctx.db.pool.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id])).rows[0]!.stock;

describe('purchase caps', () => {
  it('refuses more than the per-order cap of one product in the cart with 400', async () => {
    const shopper = new Client(ctx.app);
    const res = await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 12 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'At most 5 units of one product per order',
    });
    expect((await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 5 })).statusCode).toBe(200);
  });

  it('refuses a customer past the per-customer cap in 24 hours with 409 and productId, writing nothing; a retry still gets its order', async () => {
    const shopper = new Client(ctx.app);
    await shopper.register('hoarder@test.io');
    await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 5 });
    const first = await shopper.request({ method: 'POST', url: '/api/orders', headers: { 'idempotency-key': 'k1' } });
    expect(first.statusCode).toBe(201);
    // The same key again (a lost response): the order, not a refusal, although its units count now.
    await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 4 });
    const retry = await shopper.request({ method: 'POST', url: '/api/orders', headers: { 'idempotency-key': 'k1' } });
    expect([retry.statusCode, retry.json().id]).toEqual([200, first.json().id]);

    const stock = await stockOf(tea.id);
    const second = await shopper.request({ method: 'POST', url: '/api/orders', headers: { 'idempotency-key': 'k2' } });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'At most 8 units of one product per customer in 24 hours',
      productId: tea.id,
    });
    expect(await stockOf(tea.id)).toBe(stock);
    // Within the cap it goes through: 5 + 3 = 8.
    await shopper.put(`/api/cart/items/${tea.id}`, { quantity: 3 });
    expect((await shopper.request({ method: 'POST', url: '/api/orders' })).statusCode).toBe(201);
    // Another customer can still buy what is left.
    const other = new Client(ctx.app);
    await other.register('neighbour@test.io');
    await other.put(`/api/cart/items/${tea.id}`, { quantity: 4 });
    expect((await other.request({ method: 'POST', url: '/api/orders' })).statusCode).toBe(201);
  });
});
