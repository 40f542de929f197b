// The service as London runs it (issue #19 item 2): two instances whose DATABASE_URL is the emulated Aurora
// write-forwarding endpoint (reads from a real streaming replica that lags by a fixed 400 ms apply delay, writes
// forwarded to the primary) and whose DATABASE_READ_URL is that replica. The endpoint refuses the one-statement
// checkout (the undocumented case, run the conservative way), so checkout takes its fallback transaction. Each
// step a shopper takes lands on the other instance, as the load balancer alternates; every answer must be right
// on the very next request, with nothing waiting for a time window.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, ensureDatabase } from '../../prisma/migrate.js';
import { buildApp } from '../../service/src/app.js';
import { Client } from '../../service/test/helpers/client.js';
import { clearRedisPrefix, testConfig } from '../../service/test/helpers/app.js';
import type { TestDatabase } from '../../service/test/helpers/database.js';
import { type Cluster, createCluster } from '../postgres-cluster.js';
import { WriteForwardingEndpoint } from './write-forwarding-endpoint.js';

const LAG_MS = 400;
let cluster: Cluster;
let endpoint: WriteForwardingEndpoint;
let a: FastifyInstance;
let b: FastifyInstance;
const prefix = `edgecart-test:${randomBytes(5).toString('hex')}:`;
let productId: string;

beforeAll(async () => {
  cluster = await createCluster(
    async (url) => {
      await ensureDatabase(url);
      await applyMigrations(url);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at)
         VALUES (gen_random_uuid(), 'LAG-1', 'Lamp', 'A lamp', 4000, 'INR', 1000, now()) RETURNING id`,
      );
      productId = rows[0]!.id;
      await c.end();
    },
    async (primaryPort) => primaryPort,
    { recovery_min_apply_delay: `${LAG_MS}ms` },
  );
  endpoint = await new WriteForwardingEndpoint({
    name: 'London reader endpoint',
    local: { port: cluster.replica.port },
    writer: { port: cluster.primary.port },
    writingSelect: 'local',
    defaultMode: 'session',
  }).listen();
  // testConfig only reads the database's url.
  const db = { url: endpoint.url } as TestDatabase;
  const instance = async () => {
    const app = await buildApp(
      testConfig(db, prefix, { DATABASE_READ_URL: cluster.replica.url(), REGION: 'eu-west-2' }),
      { logger: false },
    );
    await app.ready();
    return app;
  };
  a = await instance();
  b = await instance();
  // The replica has the product (seeded before the base backup).
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([a?.close(), b?.close()]);
  await endpoint?.close();
  await cluster?.destroy();
  await clearRedisPrefix(prefix);
});

/** A shopper whose every request goes to the other instance than the one before. */
function alternating(): Client & { next(): Client } {
  const client = new Client(a) as Client & { next(): Client };
  let onA = true;
  client.next = () => {
    onA = !onA;
    return client.useApp(onA ? a : b);
  };
  return client;
}

describe('the service in a secondary region, under real replica lag', () => {
  it('registers on one instance and logs in on the other at once', async () => {
    const s = alternating();
    const account = { email: `lag-${randomBytes(4).toString('hex')}@test.io`, password: 'correct-horse-battery' };
    expect((await s.post('/api/auth/register', account)).statusCode).toBe(202);
    expect((await s.next().post('/api/auth/login', account)).statusCode).toBe(200);
  });

  it('the order just placed is in GET /api/orders/:id and the history on the next requests, on either instance', async () => {
    const s = alternating();
    await s.register(`order-${randomBytes(4).toString('hex')}@test.io`);
    expect((await s.next().put(`/api/cart/items/${productId}`, { quantity: 1 })).statusCode).toBe(200);
    const placed = await s.next().post('/api/orders', undefined, { 'idempotency-key': `k-${Date.now()}` });
    expect(placed.statusCode).toBe(201);
    const id = placed.json().id;
    const detail = await s.next().get(`/api/orders/${id}`);
    expect(detail.statusCode).toBe(200);
    const history = await s.next().get('/api/orders');
    expect(history.json().items.map((o: { id: string }) => o.id)).toContain(id);
  });

  it('a retried checkout with the same key, on the other instance, answers the first order', async () => {
    const s = alternating();
    await s.register(`retry-${randomBytes(4).toString('hex')}@test.io`);
    await s.next().put(`/api/cart/items/${productId}`, { quantity: 2 });
    const key = `retry-${Date.now()}`;
    const first = await s.next().post('/api/orders', undefined, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const again = await s.next().post('/api/orders', undefined, { 'idempotency-key': key });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
  });

  it('a checkout never re-caches the stock it changed from the lagging replica', async () => {
    const s = alternating();
    await s.register(`stock-${randomBytes(4).toString('hex')}@test.io`);
    expect((await s.next().get(`/api/products/${productId}`)).statusCode).toBe(200); // cached on both
    expect((await s.next().get(`/api/products/${productId}`)).statusCode).toBe(200);
    await s.next().put(`/api/cart/items/${productId}`, { quantity: 3 });
    expect((await s.next().post('/api/orders')).statusCode).toBe(201);
    const primary = new pg.Client({ connectionString: cluster.primary.url() });
    await primary.connect();
    const { rows } = await primary.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
    await primary.end();
    const now = rows[0]!.stock;
    // The copy marked stale may answer once; its one refresh reads on the consistent path, never the replica's
    // pre-write row: within a few reads both instances show the new stock, and keep showing it.
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push((await s.next().get(`/api/products/${productId}`)).json().stock);
      if (seen.length >= 4 && seen.slice(-4).every((v) => v === now)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.slice(-4)).toEqual(Array(4).fill(now));
    // Aurora (as emulated) ran the one statement locally, where the replica refused it: the instance that took
    // the checkouts fell back (each instance finds out on its own first checkout).
    expect([a.deps.orders.checkoutPath, b.deps.orders.checkoutPath]).toContain('transaction');
  });

  // Runs last: every statement the flows above sent (Prisma's, node-postgres's, the readiness probe's).
  it('sends nothing write forwarding refuses: its writes are forwarded, its plain reads answered locally', async () => {
    expect((await a.inject({ url: '/ready' })).statusCode).toBe(200);
    const seen = [...endpoint.stats.seen];
    const kinds = new Set(seen.map(([, kind]) => kind));
    expect(seen.filter(([, kind]) => kind === 'refuse')).toEqual([]);
    expect(endpoint.stats.refused).toEqual([]);
    expect(kinds).toEqual(new Set(['read', 'forward', 'begin', 'end']));
    const forwarded = seen.filter(([, kind]) => kind === 'forward').map(([sql]) => sql);
    for (const write of [
      'INSERT INTO "public"."users"',
      'UPDATE products SET stock = stock WHERE false',
      'FOR UPDATE',
    ]) {
      expect(
        forwarded.some((sql) => sql.includes(write)),
        write,
      ).toBe(true);
    }
  });
});
