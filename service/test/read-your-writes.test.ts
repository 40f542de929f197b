// Read-your-writes with a lagging reader (London: DATABASE_URL is the writer across the link, DATABASE_READ_URL the
// local replica). The "replica" here is a second database that never receives the orders, i.e. a replica lagging
// forever: whatever a read finds there proves where it went.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const WINDOW_MS = 1_500;

let ctx: TestContext;
let replica: TestDatabase;
let london: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext();
  replica = await createTestDatabase();
  london = await ctx.anotherApp({ DATABASE_READ_URL: replica.url, READ_YOUR_WRITES_WINDOW_MS: String(WINDOW_MS) });
});
afterAll(async () => {
  await ctx?.close();
  await replica?.drop();
});

async function statements(pool: 'writer' | 'reader'): Promise<number> {
  const metric = await london.deps.metrics.dbQueries.get();
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('read-your-writes (READ_YOUR_WRITES_WINDOW_MS)', () => {
  it('shows the order just placed on the very next request, then reads the history from the reader again', async () => {
    const p = await replicatedProduct();
    const shopper = new Client(london);
    await shopper.register(`ryw-${Date.now()}@test.io`);
    await shopper.put(`/api/cart/items/${p.id}`, { quantity: 1 });
    const placed = await shopper.post('/api/orders');
    expect(placed.statusCode).toBe(201);
    const order = placed.json();

    // Within the window: the writer answers, the lagging replica is not asked.
    const [writerBefore, readerBefore] = [await statements('writer'), await statements('reader')];
    const history = await shopper.get('/api/orders');
    expect(history.json().items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect((await shopper.get(`/api/orders/${order.id}`)).json()).toEqual(order);
    expect((await statements('writer')) - writerBefore).toBe(2);
    expect((await statements('reader')) - readerBefore).toBe(0);

    // After the window the history is read from the replica (which, lagging forever here, lacks the order)...
    await sleep(WINDOW_MS + 200);
    const readerAfter = await statements('reader');
    expect((await shopper.get('/api/orders')).json().items).toEqual([]);
    expect((await statements('reader')) - readerAfter).toBe(1);
    // ...while asking for the order by id still finds it: a miss on the reader is asked of the writer.
    expect((await shopper.get(`/api/orders/${order.id}`)).json()).toEqual(order);
  });

  it('a session that has not written reads its history from the reader', async () => {
    const shopper = new Client(london);
    await shopper.register(`ryw-reader-${Date.now()}@test.io`);
    const [writerBefore, readerBefore] = [await statements('writer'), await statements('reader')];
    expect((await shopper.get('/api/orders')).json()).toEqual({ items: [] });
    expect((await statements('reader')) - readerBefore).toBe(1);
    expect((await statements('writer')) - writerBefore).toBe(0);
  });

  it('the product pages are read from the reader', async () => {
    const p = await replicatedProduct();
    await replica.pool.query('UPDATE products SET name = $2 WHERE id = $1', [p.id, 'As the replica has it']);
    expect((await london.inject({ url: `/api/products/${p.id}` })).json().name).toBe('As the replica has it');
  });
});
