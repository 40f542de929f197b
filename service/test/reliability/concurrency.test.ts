// Concurrency beyond the single-product races in orders.test.ts: carts of several products that overlap,
// built in different orders, checked out all at once through two app instances on one database. Stock never
// goes below zero, nothing deadlocks (PostgreSQL's own deadlock counter stays put), every answer is an order or
// a 409, and every total comes from the database's prices at checkout, not from the cart's (cached) prices.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type ProductFixture, type TestContext } from '../helpers/app.js';
import { Client } from '../helpers/client.js';

const BUYERS = 24;

let ctx: TestContext;
let second: FastifyInstance;
let buyers: Client[];

/** A small deterministic PRNG (mulberry32), so a failing mix of carts can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// Both checkouts: the one statement, and the transaction of forwarded statements (CHECKOUT_MODE=transaction).
describe.each(['auto', 'transaction'])('CHECKOUT_MODE=%s', (mode) => {
  beforeAll(async () => {
    ctx = await createTestContext({ CHECKOUT_MODE: mode });
    second = await ctx.anotherApp();
    buyers = await Promise.all(
      Array.from({ length: BUYERS }, async (_, i) => {
        // Alternate instances, as a load balancer would.
        const c = new Client(i % 2 === 0 ? ctx.app : second);
        await c.register(`buyer-${i}@test.io`);
        return c;
      }),
    );
  });
  afterAll(() => ctx?.close());

  async function emptyCarts() {
    for (const b of buyers) {
      const cart = (await b.get('/api/cart')).json() as { items: { productId: string }[] };
      for (const item of cart.items) await b.delete(`/api/cart/items/${item.productId}`);
    }
  }

  async function deadlocks(): Promise<number> {
    const { rows } = await ctx.db.pool.query<{ n: string }>(
      'SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]!.n);
  }

  async function stock(products: ProductFixture[]): Promise<Map<string, number>> {
    const { rows } = await ctx.db.pool.query<{ id: string; stock: number }>(
      'SELECT id, stock FROM products WHERE id = ANY($1::uuid[])',
      [products.map((p) => p.id)],
    );
    return new Map(rows.map((r) => [r.id, r.stock]));
  }

  /** Raises prices in the database only: every cached view (and so every cart's price) is now stale. */
  async function repriceBehindTheCache(products: ProductFixture[]): Promise<Map<string, number>> {
    const prices = new Map<string, number>();
    for (const p of products) {
      const priceCents = p.priceCents + 111;
      await ctx.db.pool.query('UPDATE products SET price_cents = $2 WHERE id = $1', [p.id, priceCents]);
      prices.set(p.id, priceCents);
    }
    return prices;
  }

  type OrderBody = { totalCents: number; items: { productId: string; quantity: number; unitPriceCents: number }[] };

  function expectPricedFromDatabase(order: OrderBody, prices: Map<string, number>) {
    for (const item of order.items) expect(item.unitPriceCents).toBe(prices.get(item.productId));
    expect(order.totalCents).toBe(order.items.reduce((sum, it) => sum + it.quantity * prices.get(it.productId)!, 0));
  }

  describe('many buyers for the last unit, each with several products', () => {
    it('sells the last unit once, leaves the losers’ other products untouched, and prices from the database', async () => {
      await emptyCarts();
      const last = await insertProduct(ctx.db, { name: 'Last one', stock: 1, priceCents: 5_000 });
      const others = await Promise.all(
        ['Alpha', 'Beta', 'Gamma'].map((name, i) =>
          insertProduct(ctx.db, { name, stock: 500, priceCents: 700 + i * 100 }),
        ),
      );
      const random = prng(6);
      const carts = new Map<Client, Map<string, number>>();
      for (const b of buyers) {
        const extras = shuffled(others, random).slice(0, 1 + Math.floor(random() * 3));
        const lines = shuffled([last, ...extras], random).map(
          (p) => [p.id, p === last ? 1 : 1 + Math.floor(random() * 3)] as const,
        );
        for (const [id, quantity] of lines)
          expect((await b.put(`/api/cart/items/${id}`, { quantity })).statusCode).toBe(200);
        carts.set(b, new Map(lines));
      }
      const prices = await repriceBehindTheCache([last, ...others]);
      // The premise: carts still show the old, cached price.
      const shown = (await buyers[0]!.get('/api/cart')).json() as OrderBody;
      expect(shown.items.find((it) => it.productId === last.id)?.unitPriceCents).toBe(5_000);
      const stockBefore = await stock(others);
      const deadlocksBefore = await deadlocks();

      const results = await Promise.all(buyers.map((b) => b.post('/api/orders')));

      const statuses = results.map((r) => r.statusCode);
      expect(
        statuses.filter((s) => s !== 201 && s !== 409),
        results.map((r) => r.body).join('\n'),
      ).toEqual([]);
      const winners = results.flatMap((r, i) => (r.statusCode === 201 ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of results)
        if (r.statusCode === 409) expect(r.json()).toMatchObject({ statusCode: 409, productId: last.id });
      const order = results[winners[0]!]!.json() as OrderBody;
      expectPricedFromDatabase(order, prices);

      // Only the winner's lines left the shelves.
      expect((await stock([last])).get(last.id)).toBe(0);
      const winnerCart = carts.get(buyers[winners[0]!]!)!;
      const stockAfter = await stock(others);
      for (const p of others)
        expect(stockAfter.get(p.id), p.name).toBe(stockBefore.get(p.id)! - (winnerCart.get(p.id) ?? 0));
      expect(await deadlocks()).toBe(deadlocksBefore);
    });
  });

  describe('overlapping multi-product carts checked out at once', () => {
    it('with enough stock: every checkout succeeds, no deadlock, stock down by exactly what was sold', async () => {
      await emptyCarts();
      const shelf = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          insertProduct(ctx.db, { name: `Shelf ${i}`, stock: 1_000, priceCents: 250 * (i + 1) }),
        ),
      );
      const random = prng(66);
      const wanted = new Map<string, number>();
      for (const b of buyers) {
        // Every cart holds at least three of the five products, added in its own order: maximal overlap.
        for (const p of shuffled(shelf, random).slice(0, 3 + Math.floor(random() * 3))) {
          const quantity = 1 + Math.floor(random() * 5);
          expect((await b.put(`/api/cart/items/${p.id}`, { quantity })).statusCode).toBe(200);
          wanted.set(p.id, (wanted.get(p.id) ?? 0) + quantity);
        }
      }
      const prices = await repriceBehindTheCache(shelf);
      const deadlocksBefore = await deadlocks();

      const results = await Promise.all(buyers.map((b) => b.post('/api/orders')));

      expect(
        results.map((r) => r.statusCode),
        results.map((r) => r.body).join('\n'),
      ).toEqual(buyers.map(() => 201));
      for (const r of results) expectPricedFromDatabase(r.json(), prices);
      const after = await stock(shelf);
      for (const p of shelf) expect(after.get(p.id), p.name).toBe(1_000 - (wanted.get(p.id) ?? 0));
      expect(await deadlocks()).toBe(deadlocksBefore);
    });

    it('with scarce stock: orders are all-or-nothing and no product goes below zero', async () => {
      await emptyCarts();
      const scarce = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          insertProduct(ctx.db, { name: `Scarce ${i}`, stock: 4, priceCents: 1_000 + i }),
        ),
      );
      const random = prng(666);
      const carts = new Map<Client, Map<string, number>>();
      for (const b of buyers) {
        const lines = shuffled(scarce, random)
          .slice(0, 2 + Math.floor(random() * 2))
          .map((p) => [p.id, 1 + Math.floor(random() * 2)] as const);
        for (const [id, quantity] of lines) await b.put(`/api/cart/items/${id}`, { quantity });
        carts.set(b, new Map(lines));
      }
      const deadlocksBefore = await deadlocks();

      const results = await Promise.all(buyers.map((b) => b.post('/api/orders')));

      expect(results.filter((r) => r.statusCode !== 201 && r.statusCode !== 409).map((r) => r.body)).toEqual([]);
      const sold = new Map<string, number>();
      results.forEach((r, i) => {
        if (r.statusCode !== 201) return;
        // The order holds the whole cart, line for line.
        const cart = carts.get(buyers[i]!)!;
        const order = r.json() as OrderBody;
        expect(new Map(order.items.map((it) => [it.productId, it.quantity]))).toEqual(cart);
        for (const [id, q] of cart) sold.set(id, (sold.get(id) ?? 0) + q);
      });
      expect(sold.size).toBeGreaterThan(0);
      const after = await stock(scarce);
      for (const p of scarce) {
        expect(after.get(p.id)!).toBeGreaterThanOrEqual(0);
        expect(after.get(p.id)! + (sold.get(p.id) ?? 0), p.name).toBe(4);
      }
      expect(await deadlocks()).toBe(deadlocksBefore);
    });
  });
});
