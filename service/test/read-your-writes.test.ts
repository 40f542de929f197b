// Read-your-writes with a lagging reader, without a time window. The "replica" here is a second database that
// never receives the orders, i.e. a replica lagging forever: whatever a read finds there proves where it went.
// The session remembers the order it placed last; a read that does not find it on the reader is repeated on the
// consistent path (DATABASE_URL with apg_write_forward.consistency_mode=global; pool "consistent").
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let ctx: TestContext;
let replica: TestDatabase;
let london: FastifyInstance;
let londonB: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext();
  replica = await createTestDatabase();
  // Two instances of one region, sharing Redis (sessions) and the same lagging replica.
  london = await ctx.anotherApp({ DATABASE_READ_URL: replica.url });
  londonB = await ctx.anotherApp({ DATABASE_READ_URL: replica.url });
});
afterAll(async () => {
  await ctx?.close();
  await replica?.drop();
});

async function statements(app: FastifyInstance, pool: 'writer' | 'reader' | 'consistent'): Promise<number> {
  const metric = await app.deps.metrics.dbQueries.get();
  return metric.values.filter((v) => v.labels.pool === pool).reduce((sum, v) => sum + v.value, 0);
}

/** A product on the writer, and the same row on the replica (as replication would have brought it). */
async function replicatedProduct() {
  const p = await insertProduct(ctx.db, { stock: 10 });
  await replica.pool.query(
    `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at)
     VALUES ($1, $2, $3, '', $4, 'INR', $5, now())`,
    [p.id, p.sku, p.name, p.priceCents, p.stock],
  );
  return p;
}

/** Copies the user and their orders to the replica: replication has caught up. */
async function replicate(email: string) {
  const { rows: users } = await ctx.db.pool.query('SELECT * FROM users WHERE email = $1', [email]);
  const u = users[0];
  await replica.pool.query(
    'INSERT INTO users (id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
    [u.id, u.email, u.password_hash, u.role, u.created_at],
  );
  const { rows: orders } = await ctx.db.pool.query('SELECT * FROM orders WHERE user_id = $1', [u.id]);
  for (const o of orders) {
    await replica.pool.query(
      `INSERT INTO orders (id, user_id, status, total_cents, currency, idempotency_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [o.id, o.user_id, o.status, o.total_cents, o.currency, o.idempotency_key, o.created_at],
    );
    const { rows: items } = await ctx.db.pool.query('SELECT * FROM order_items WHERE order_id = $1', [o.id]);
    for (const i of items)
      await replica.pool.query(
        'INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity) VALUES ($1, $2, $3, $4, $5)',
        [i.order_id, i.product_id, i.name, i.unit_price_cents, i.quantity],
      );
  }
}

describe('read-your-writes under a replica that lags forever, on either instance', () => {
  it('the order just placed is in the history and by id on the very next request, whichever instance answers', async () => {
    const p = await replicatedProduct();
    const email = `ryw-${Date.now()}@test.io`;
    const shopper = new Client(london);
    await shopper.register(email);
    await shopper.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    const placed = await shopper.post('/api/orders');
    expect(placed.statusCode).toBe(201);
    const order = placed.json();

    // The next requests land on the other instance (same session, in Redis).
    const onB = shopper.useApp(londonB);
    // londonB checks the sign-in once (the replica lacks the account: a consistent read) and then trusts it for
    // SESSION_CHECK_SECONDS (session-revocation.test.ts); counted from here, the statements are the reads'.
    expect((await onB.get('/api/auth/me')).statusCode).toBe(200);
    const consistentBefore = await statements(londonB, 'consistent');
    expect((await onB.get('/api/orders')).json().items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect((await onB.get(`/api/orders/${order.id}`)).json()).toEqual(order);
    // Each read missed on the replica and was repeated on the consistent path.
    expect((await statements(londonB, 'consistent')) - consistentBefore).toBe(2);

    // Once the replica has the order, the reader answers alone: no time window, no extra round trip.
    await replicate(email);
    const [readerBefore, consistentAfter] = [
      await statements(londonB, 'reader'),
      await statements(londonB, 'consistent'),
    ];
    expect((await onB.get('/api/orders')).json().items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect((await onB.get(`/api/orders/${order.id}`)).json()).toEqual(order);
    expect((await statements(londonB, 'reader')) - readerBefore).toBe(2);
    expect((await statements(londonB, 'consistent')) - consistentAfter).toBe(0);
  });

  it('a retried checkout after the cart was emptied answers the first order, read on the consistent path', async () => {
    const p = await replicatedProduct();
    const shopper = new Client(london);
    await shopper.register(`ryw-retry-${Date.now()}@test.io`);
    await shopper.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    const first = await shopper.post('/api/orders', undefined, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    const retry = await shopper.useApp(londonB).post('/api/orders', undefined, { 'idempotency-key': 'retry-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
  });

  it('a session that has not ordered reads its history from the reader only', async () => {
    const shopper = new Client(london);
    await shopper.register(`ryw-reader-${Date.now()}@test.io`);
    const [readerBefore, consistentBefore] = [
      await statements(london, 'reader'),
      await statements(london, 'consistent'),
    ];
    expect((await shopper.get('/api/orders')).json()).toEqual({ items: [] });
    expect((await statements(london, 'reader')) - readerBefore).toBe(1);
    expect((await statements(london, 'consistent')) - consistentBefore).toBe(0);
  });

  it('with the cache off, product reads come from the reader; with it on, cache fills read consistently', async () => {
    const p = await replicatedProduct();
    await replica.pool.query('UPDATE products SET name = $2 WHERE id = $1', [p.id, 'As the replica has it']);
    const uncached = await ctx.anotherApp({ DATABASE_READ_URL: replica.url, CACHE_TTL_SECONDS: '0' });
    expect((await uncached.inject({ url: `/api/products/${p.id}` })).json().name).toBe('As the replica has it');
    // The cached instance fills from the consistent path, never from the lagging replica.
    expect((await london.inject({ url: `/api/products/${p.id}` })).json().name).toBe(p.name);
  });
});
