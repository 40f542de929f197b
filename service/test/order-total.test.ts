// Issue #23 (low): an order total above what orders.total_cents holds (2^31 − 1 minor units) is refused with a
// 409 in the error shape, by the cart and by both checkout paths (the one statement and the transaction used under
// Aurora write forwarding), and nothing is written; a total of exactly the maximum is placed. It used to be a 500
// (int4 overflow in the checkout statement, "value out of range" in the transaction).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_TOTAL_MAX_CENTS } from '../src/domain/order-total.js';
import { createTestContext, insertProduct, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let transactionApp: FastifyInstance;
beforeAll(async () => {
  ctx = await createTestContext();
  transactionApp = await ctx.anotherApp({ CHECKOUT_MODE: 'transaction' });
});
afterAll(() => ctx?.close());

let n = 0;
async function shopper(app: FastifyInstance): Promise<Client> {
  const c = new Client(app);
  await c.register(`total${++n}-${Date.now()}@test.io`);
  return c;
}

const setPrice = (id: string, priceCents: number) =>
  ctx.db.pool.query('UPDATE products SET price_cents = $2 WHERE id = $1', [id, priceCents]);

describe('the cart', () => {
  it('refuses (409) a quantity that takes the total above the maximum, and keeps the cart as it was', async () => {
    const dear = await insertProduct(ctx.db, { priceCents: 1_000_000_000, stock: 50 });
    const c = await shopper(ctx.app);
    expect((await c.put(`/api/cart/items/${dear.id}`, { quantity: 2 })).statusCode).toBe(200);
    const res = await c.put(`/api/cart/items/${dear.id}`, { quantity: 3 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('split it into smaller orders'),
    });
    const cart = (await c.get('/api/cart')).json();
    expect(cart.items).toEqual([expect.objectContaining({ productId: dear.id, quantity: 2 })]);
  });
});

describe.each([
  ['the one-statement checkout', () => ctx.app],
  ['the transaction checkout (CHECKOUT_MODE=transaction)', () => transactionApp],
])('%s', (_name, app) => {
  it('refuses (409) a total above the maximum when prices rose after the cart was filled, and writes nothing', async () => {
    const a = await insertProduct(ctx.db, { priceCents: 1_000, stock: 50 });
    const b = await insertProduct(ctx.db, { priceCents: 1_000, stock: 50 });
    const c = await shopper(app());
    await c.put(`/api/cart/items/${a.id}`, { quantity: 40 });
    await c.put(`/api/cart/items/${b.id}`, { quantity: 40 });
    // Each line fits in int4 on its own (40 × 50,000,000 = 2,000,000,000); the sum does not.
    await setPrice(a.id, 50_000_000);
    await setPrice(b.id, 50_000_000);
    const before = await snapshotDatabase(ctx.db);
    const res = await c.post('/api/orders', undefined, { 'idempotency-key': `too-large-${n}` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, error: 'Conflict', message: expect.stringContaining('split') });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
    // The cart is still there to be made smaller.
    expect((await c.get('/api/cart')).json().items).toHaveLength(2);
  });

  it('refuses a single line whose own total overflows int4', async () => {
    const a = await insertProduct(ctx.db, { priceCents: 1_000, stock: 50 });
    const c = await shopper(app());
    await c.put(`/api/cart/items/${a.id}`, { quantity: 3 });
    await setPrice(a.id, 1_000_000_000);
    const res = await c.post('/api/orders');
    expect(res.statusCode).toBe(409);
  });

  it('places an order of exactly the maximum total', async () => {
    const a = await insertProduct(ctx.db, { priceCents: ORDER_TOTAL_MAX_CENTS, stock: 2 });
    const c = await shopper(app());
    await c.put(`/api/cart/items/${a.id}`, { quantity: 1 });
    const res = await c.post('/api/orders');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ totalCents: ORDER_TOTAL_MAX_CENTS, status: 'placed' });
  });
});
