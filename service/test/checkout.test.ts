// Checkout is one SQL statement on the writer (in a secondary region each writer statement crosses the
// inter-region link), idempotency included, and a committed checkout shows its new stock on every instance at once.
// Statements are counted at the driver (db.ts CountingClient → edgecart_db_queries_total{pool="writer"}).
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

let n = 0;
async function shopper(app: FastifyInstance = ctx.app): Promise<Client> {
  const c = new Client(app);
  await c.register(`checkout${++n}-${Date.now()}@test.io`);
  return c;
}

async function statementsOn(pool: 'writer' | 'consistent', app: FastifyInstance = ctx.app): Promise<number> {
  const metric = await app.deps.metrics.dbQueries.get();
  return metric.values.filter((v) => v.labels.pool === pool).reduce((sum, v) => sum + v.value, 0);
}
const writerStatements = (app: FastifyInstance = ctx.app) => statementsOn('writer', app);

async function stockOf(id: string): Promise<number> {
  const { rows } = await ctx.db.pool.query('SELECT stock FROM products WHERE id = $1', [id]);
  return rows[0].stock;
}

async function ordersWithKey(key: string): Promise<number> {
  const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM orders WHERE idempotency_key = $1', [key]);
  return rows[0].n;
}

/** Holds the row lock of `productId` in another connection until the returned function is called. */
async function holdRowLock(productId: string): Promise<() => Promise<void>> {
  const client: pg.PoolClient = await ctx.db.pool.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [productId]);
  return async () => {
    await client.query('COMMIT');
    client.release();
  };
}

/** Waits until `count` statements of the app are blocked on a row lock (so both took their snapshot). */
async function waitForLockWaiters(count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await ctx.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'edgecart'`,
    );
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} checkouts ever waited for the row lock`);
}

describe('checkout is one statement on the writer', () => {
  it('a first checkout costs exactly one writer statement, and so does a replay with the same Idempotency-Key', async () => {
    const a = await insertProduct(ctx.db, { stock: 10, priceCents: 700 });
    const b = await insertProduct(ctx.db, { stock: 10, priceCents: 300 });
    const c = await shopper();
    await c.put(`/api/cart/items/${a.id}`, { quantity: 2 });
    await c.put(`/api/cart/items/${b.id}`, { quantity: 1 });

    const beforeFirst = await writerStatements();
    const first = await c.post('/api/orders', undefined, { 'idempotency-key': 'one-statement' });
    const firstCost = (await writerStatements()) - beforeFirst;
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ totalCents: 2 * 700 + 300, currency: 'INR', status: 'placed' });
    expect(firstCost).toBe(1);

    // The replay of a lost response: the same cart, the same key.
    await c.put(`/api/cart/items/${a.id}`, { quantity: 2 });
    await c.put(`/api/cart/items/${b.id}`, { quantity: 1 });
    const beforeReplay = await writerStatements();
    const replay = await c.post('/api/orders', undefined, { 'idempotency-key': 'one-statement' });
    const replayCost = (await writerStatements()) - beforeReplay;
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    expect(replayCost).toBe(1);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([8, 9]);
  });

  it('a short product costs one statement too, answers 409 with its id, and changes nothing', async () => {
    const plenty = await insertProduct(ctx.db, { stock: 10 });
    const scarce = await insertProduct(ctx.db, { stock: 1 });
    const c = await shopper();
    await c.put(`/api/cart/items/${plenty.id}`, { quantity: 1 });
    await c.put(`/api/cart/items/${scarce.id}`, { quantity: 2 });
    const before = await writerStatements();
    const res = await c.post('/api/orders', undefined, { 'idempotency-key': 'short-one' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, productId: scarce.id });
    expect((await writerStatements()) - before).toBe(1);
    expect([await stockOf(plenty.id), await stockOf(scarce.id)]).toEqual([10, 1]);
  });

  it('refuses a cart of two currencies with 409 and writes nothing', async () => {
    const rupees = await insertProduct(ctx.db, { stock: 5, currency: 'INR' });
    const pounds = await insertProduct(ctx.db, { stock: 5, currency: 'GBP' });
    const c = await shopper();
    await c.put(`/api/cart/items/${rupees.id}`, { quantity: 1 });
    await c.put(`/api/cart/items/${pounds.id}`, { quantity: 1 });
    const res = await c.post('/api/orders', undefined, { 'idempotency-key': 'mixed' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/currenc/i);
    expect([await stockOf(rupees.id), await stockOf(pounds.id)]).toEqual([5, 5]);
    expect(await ordersWithKey('mixed')).toBe(0);
  });
});

describe('two requests with one key racing past each other', () => {
  // Both statements take their snapshot (no order with the key yet) and then wait for the same row lock.
  // The one that goes second must still answer with the first one's order, never a second order.
  it('the second hits the unique key, rolls back whole, and one more read answers the first order', async () => {
    const p = await insertProduct(ctx.db, { stock: 10 });
    const c = await shopper();
    await c.put(`/api/cart/items/${p.id}`, { quantity: 3 });
    const release = await holdRowLock(p.id);
    const before = await writerStatements();
    const consistentBefore = await statementsOn('consistent');
    const racing = [1, 2].map(() => c.post('/api/orders', undefined, { 'idempotency-key': 'race-unique' }));
    await waitForLockWaiters(2);
    await release();
    const answers = await Promise.all(racing);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(answers[0]!.json().id).toBe(answers[1]!.json().id);
    expect(await ordersWithKey('race-unique')).toBe(1);
    expect(await stockOf(p.id)).toBe(7);
    // One statement for the winner; the loser's statement failed as a whole, then one read on the consistent
    // path (which, in a secondary region, waits for the winner's order to be replayed there).
    expect((await writerStatements()) - before).toBe(2);
    expect((await statementsOn('consistent')) - consistentBefore).toBe(1);
  });

  it('when the first took the last units, the second answers that order too (not 409)', async () => {
    const p = await insertProduct(ctx.db, { stock: 2 });
    const c = await shopper();
    await c.put(`/api/cart/items/${p.id}`, { quantity: 2 });
    const release = await holdRowLock(p.id);
    const racing = [1, 2].map(() => c.post('/api/orders', undefined, { 'idempotency-key': 'race-last-units' }));
    await waitForLockWaiters(2);
    await release();
    const answers = await Promise.all(racing);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(answers[0]!.json().id).toBe(answers[1]!.json().id);
    expect(await ordersWithKey('race-last-units')).toBe(1);
    expect(await stockOf(p.id)).toBe(0);
  });
});

describe('fresh stock after a checkout', () => {
  /** The stock `app` reports for `id`, as soon as it is `expected`, within `ms` (pub/sub delivery, far below the L1 TTL). */
  async function stockSeenBy(app: FastifyInstance, id: string, expected: number, ms = 1_000) {
    const deadline = Date.now() + ms;
    let product = (await app.inject({ url: `/api/products/${id}` })).json();
    let page = (await app.inject({ url: '/api/products?limit=100' })).json();
    while (Date.now() < deadline) {
      const listed = page.items.find((it: { id: string }) => it.id === id)?.stock;
      if (product.stock === expected && listed === expected) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
      product = (await app.inject({ url: `/api/products/${id}` })).json();
      page = (await app.inject({ url: '/api/products?limit=100' })).json();
    }
    return { product: product.stock, listed: page.items.find((it: { id: string }) => it.id === id)?.stock };
  }

  it('another instance of the region shows the new stock at once, in the product and in the list', async () => {
    // L1 lives 30 s here, so only the invalidation (not an expiry) can make the new stock visible in time.
    const other = await ctx.anotherApp({ CACHE_L1_TTL_MS: '30000' });
    const p = await insertProduct(ctx.db, { stock: 9 });
    await other.inject({ url: '/api/products?limit=100' });
    await other.inject({ url: `/api/products/${p.id}` });
    const cached = await other.inject({ url: `/api/products/${p.id}` });
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.json().stock).toBe(9);

    const c = await shopper();
    await c.put(`/api/cart/items/${p.id}`, { quantity: 4 });
    expect((await c.post('/api/orders')).statusCode).toBe(201);

    expect(await stockSeenBy(other, p.id, 5)).toEqual({ product: 5, listed: 5 });
    expect(await stockSeenBy(ctx.app, p.id, 5)).toEqual({ product: 5, listed: 5 });
  });
});

describe('the fallback checkout (CHECKOUT_MODE=transaction): statements Aurora documents as forwarded', () => {
  let tx: FastifyInstance;
  beforeAll(async () => {
    tx = await ctx.anotherApp({ CHECKOUT_MODE: 'transaction' });
  });

  it('places the order in five writer statements (BEGIN, lock, key read, one multipart write, COMMIT) and replays it in four', async () => {
    const p = await insertProduct(ctx.db, { stock: 5 });
    const c = await shopper(tx);
    await c.put(`/api/cart/items/${p.id}`, { quantity: 2 });
    let before = await writerStatements(tx);
    const first = await c.post('/api/orders', undefined, { 'idempotency-key': 'tx-first' });
    expect(first.statusCode).toBe(201);
    // BEGIN, lock, existing-order read, the writes (stock, order, items in one INSERT), COMMIT.
    expect((await writerStatements(tx)) - before).toBe(5);
    expect(await stockOf(p.id)).toBe(3);
    expect(first.json()).toMatchObject({ totalCents: 2 * p.priceCents, items: [{ productId: p.id, quantity: 2 }] });
    await c.put(`/api/cart/items/${p.id}`, { quantity: 2 });
    before = await writerStatements(tx);
    const replay = await c.post('/api/orders', undefined, { 'idempotency-key': 'tx-first' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    // BEGIN, lock, existing-order read, COMMIT.
    expect((await writerStatements(tx)) - before).toBe(4);
    expect(await stockOf(p.id)).toBe(3);
    expect(tx.deps.orders.checkoutPath).toBe('transaction');
  });

  it('answers 409 for a short product and for mixed currencies, and writes nothing', async () => {
    const p = await insertProduct(ctx.db, { stock: 1 });
    const c = await shopper(tx);
    await c.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    await ctx.db.pool.query('UPDATE products SET stock = 0 WHERE id = $1', [p.id]);
    const short = await c.post('/api/orders');
    expect(short.json()).toMatchObject({ statusCode: 409, productId: p.id });
    const inr = await insertProduct(ctx.db, { stock: 3 });
    const gbp = await insertProduct(ctx.db, { stock: 3, currency: 'GBP' });
    const d = await shopper(tx);
    await d.put(`/api/cart/items/${inr.id}`, { quantity: 1 });
    await d.put(`/api/cart/items/${gbp.id}`, { quantity: 1 });
    expect((await d.post('/api/orders')).statusCode).toBe(409);
    expect([await stockOf(inr.id), await stockOf(gbp.id)]).toEqual([3, 3]);
  });

  it('two requests with one key racing for the last units: one order, and both answer it', async () => {
    const p = await insertProduct(ctx.db, { stock: 2 });
    const c = await shopper(tx);
    await c.put(`/api/cart/items/${p.id}`, { quantity: 2 });
    const release = await holdRowLock(p.id);
    const racing = [1, 2].map(() => c.post('/api/orders', undefined, { 'idempotency-key': 'tx-race' }));
    await waitForLockWaiters(2);
    await release();
    const answers = await Promise.all(racing);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(answers[0]!.json().id).toBe(answers[1]!.json().id);
    expect(await ordersWithKey('tx-race')).toBe(1);
    expect(await stockOf(p.id)).toBe(0);
  });
});
