// Checkout and order history: one transaction, stock never below zero under any concurrency, prices from
// the database, Idempotency-Key honoured even for simultaneous retries, and only the caller's orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

let n = 0;
async function shopper(): Promise<Client> {
  const c = new Client(ctx.app);
  await c.register(`buyer${++n}-${Date.now()}@test.io`);
  return c;
}

async function stockOf(id: string): Promise<number> {
  const { rows } = await ctx.db.pool.query('SELECT stock FROM products WHERE id = $1', [id]);
  return rows[0].stock;
}

async function orderCount(): Promise<number> {
  const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM orders');
  return rows[0].n;
}

describe('POST /api/orders', () => {
  it('needs a login (401) and a non-empty cart (400)', async () => {
    const anon = await ctx.app.inject({ method: 'POST', url: '/api/orders' });
    expect(anon.statusCode).toBe(401);
    const c = await shopper();
    const empty = await c.post('/api/orders');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The cart is empty' });
  });

  it('places the order from the cart at database prices, decrements stock, and empties the cart', async () => {
    const a = await insertProduct(ctx.db, { name: 'Alpha', priceCents: 1500, stock: 10 });
    const b = await insertProduct(ctx.db, { name: 'Beta', priceCents: 250, stock: 3 });
    const c = await shopper();
    await c.put(`/api/cart/items/${a.id}`, { quantity: 2 });
    await c.put(`/api/cart/items/${b.id}`, { quantity: 3 });
    // The price changes between adding to the cart and checking out: the order uses the database's price.
    await ctx.db.pool.query('UPDATE products SET price_cents = 1600 WHERE id = $1', [a.id]);
    const res = await c.post('/api/orders');
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      status: 'placed',
      totalCents: 2 * 1600 + 3 * 250,
      currency: 'INR',
      items: [
        { productId: a.id, name: 'Alpha', unitPriceCents: 1600, quantity: 2 },
        { productId: b.id, name: 'Beta', unitPriceCents: 250, quantity: 3 },
      ],
    });
    expect(new Date(order.createdAt).toString()).not.toBe('Invalid Date');
    expect(await stockOf(a.id)).toBe(8);
    expect(await stockOf(b.id)).toBe(0);
    expect((await c.get('/api/cart')).json().items).toEqual([]);
    // Read-your-writes: the history shows it at once.
    expect((await c.get('/api/orders')).json().items[0].id).toBe(order.id);
    expect((await c.get(`/api/orders/${order.id}`)).json()).toEqual(order);
  });

  it('answers 409 with the productId when stock is short, and writes nothing', async () => {
    const plenty = await insertProduct(ctx.db, { stock: 50 });
    const scarce = await insertProduct(ctx.db, { stock: 1 });
    const c = await shopper();
    await c.put(`/api/cart/items/${plenty.id}`, { quantity: 5 });
    await c.put(`/api/cart/items/${scarce.id}`, { quantity: 2 });
    const before = await snapshotDatabase(ctx.db);
    const res = await c.post('/api/orders');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, error: 'Conflict', productId: scarce.id });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
    // The cart is kept so the shopper can fix it.
    expect((await c.get('/api/cart')).json().items).toHaveLength(2);
  });

  it('never oversells: 20 buyers racing for 5 units make exactly 5 orders and stock 0', async () => {
    const last = await insertProduct(ctx.db, { stock: 5, priceCents: 999 });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => shopper()));
    for (const b of buyers) await b.put(`/api/cart/items/${last.id}`, { quantity: 1 });
    const ordersBefore = await orderCount();
    const results = await Promise.all(buyers.map((b) => b.post('/api/orders')));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((s) => s === 201)).toHaveLength(5);
    expect(codes.filter((s) => s === 409)).toHaveLength(15);
    expect(await stockOf(last.id)).toBe(0);
    expect((await orderCount()) - ordersBefore).toBe(5);
  });

  it('the same Idempotency-Key sent concurrently creates one order; later retries get it with 200', async () => {
    const p = await insertProduct(ctx.db, { stock: 100 });
    const c = await shopper();
    await c.put(`/api/cart/items/${p.id}`, { quantity: 2 });
    const ordersBefore = await orderCount();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => c.post('/api/orders', undefined, { 'idempotency-key': 'checkout-42' })),
    );
    const ids = new Set(results.map((r) => r.json().id));
    expect(results.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(ids.size).toBe(1);
    expect((await orderCount()) - ordersBefore).toBe(1);
    expect(await stockOf(p.id)).toBe(98);

    const retry = await c.post('/api/orders', undefined, { 'idempotency-key': 'checkout-42' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toEqual([...ids][0]);
  });

  it('keys are per user: another user with the same key gets an order of their own', async () => {
    const p = await insertProduct(ctx.db, { stock: 10 });
    const [x, y] = [await shopper(), await shopper()];
    await x.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    await y.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    const ox = await x.post('/api/orders', undefined, { 'idempotency-key': 'same' });
    const oy = await y.post('/api/orders', undefined, { 'idempotency-key': 'same' });
    expect([ox.statusCode, oy.statusCode]).toEqual([201, 201]);
    expect(ox.json().id).not.toBe(oy.json().id);
  });

  it('rejects a malformed Idempotency-Key with 400', async () => {
    const c = await shopper();
    const res = await c.post('/api/orders', undefined, { 'idempotency-key': 'x'.repeat(129) });
    expect(res.statusCode).toBe(400);
  });

  it('the same user checking out from two tabs at once gets one order for the cart', async () => {
    const p = await insertProduct(ctx.db, { stock: 10 });
    const c = await shopper();
    await c.put(`/api/cart/items/${p.id}`, { quantity: 3 });
    const ordersBefore = await orderCount();
    const [t1, t2] = await Promise.all([c.post('/api/orders'), c.post('/api/orders')]);
    // No Idempotency-Key: the cart's revision is the key, so both tabs see the same single order.
    expect([t1.statusCode, t2.statusCode].sort()).toEqual([200, 201]);
    expect(t1.json().id).toBe(t2.json().id);
    expect(await stockOf(p.id)).toBe(7);
    expect((await orderCount()) - ordersBefore).toBe(1);
    // Buying the same things again later is a new cart revision, hence a new order.
    await c.put(`/api/cart/items/${p.id}`, { quantity: 3 });
    const again = await c.post('/api/orders');
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(t1.json().id);
  });
});

describe('GET /api/orders', () => {
  it("lists only the caller's orders, newest first; another's order is 404", async () => {
    const p = await insertProduct(ctx.db, { stock: 10 });
    const mine = await shopper();
    const theirs = await shopper();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await mine.put(`/api/cart/items/${p.id}`, { quantity: 1 });
      ids.push((await mine.post('/api/orders')).json().id);
    }
    await theirs.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    const theirOrder = (await theirs.post('/api/orders')).json();

    const list = (await mine.get('/api/orders')).json().items.map((o: { id: string }) => o.id);
    expect(list).toEqual([...ids].reverse());
    const peek = await mine.get(`/api/orders/${theirOrder.id}`);
    expect(peek.statusCode).toBe(404);
    expect(peek.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Order not found' });
    expect((await mine.get('/api/orders/not-a-uuid')).statusCode).toBe(400);
    expect((await ctx.app.inject({ url: '/api/orders' })).statusCode).toBe(401);
  });
});
