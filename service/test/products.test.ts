// Catalog routes: pagination, cache-aside (miss then hit), invalidation on admin writes, admin-only writes,
// and bad input answered with 400 while nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let admin: Client;
let customer: Client;

beforeAll(async () => {
  ctx = await createTestContext();
  for (let i = 0; i < 25; i++) await insertProduct(ctx.db, { priceCents: 100 * (i + 1) });
  await insertUser(ctx.db, 'admin@test.io', 'admin-password-1', 'admin');
  admin = new Client(ctx.app);
  await admin.login('admin@test.io', 'admin-password-1');
  customer = new Client(ctx.app);
  await customer.register('shopper@test.io');
});
afterAll(() => ctx?.close());

describe('GET /api/products', () => {
  it('pages through every product once, in a stable order, with keyset cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { statusCode: number; headers: Record<string, unknown>; json(): any } = await ctx.app.inject({
        url: `/api/products?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-region']).toBe('test-region-1');
      const body = res.json();
      seen.push(...body.items.map((p: { id: string }) => p.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort()).toEqual(seen);
  });

  it('defaults to 20 items and returns the Product shape with integer money', async () => {
    const res = await ctx.app.inject({ url: '/api/products' });
    const body = res.json();
    expect(body.items).toHaveLength(20);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ['currency', 'description', 'id', 'imageUrl', 'name', 'priceCents', 'sku', 'stock'].sort(),
    );
    expect(Number.isInteger(body.items[0].priceCents)).toBe(true);
  });

  it('answers miss, then hit, for the same page', async () => {
    const first = await ctx.app.inject({ url: '/api/products?limit=7' });
    const second = await ctx.app.inject({ url: '/api/products?limit=7' });
    expect(first.headers['x-cache']).toBe('miss');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.json()).toEqual(first.json());
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=1.5'],
    ['cursor=not-a-uuid'],
    ['color=red'],
    // Spellings the service never hands out: each would be a page of its own (issue #23).
    ['cursor=0192F3A4-0000-4000-8000-00000000000A'],
    ['cursor=0192f3a4-0000-4000-8000-00000000000a.short'],
    ['cursor=0192f3a4-0000-4000-8000-00000000000a.AAAAAAAAAAAAAAAAAAAAAA.x'],
  ])('rejects %s with 400 in the error shape', async (query) => {
    const res = await ctx.app.inject({ url: `/api/products?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });
});

describe('GET /api/products/:id', () => {
  it('answers an upper-case id as the product, from its one cache entry, fresh after a change (issue #23)', async () => {
    const p = await insertProduct(ctx.db, { name: 'One spelling' });
    const lower = await ctx.app.inject({ url: `/api/products/${p.id}` });
    const upper = await ctx.app.inject({ url: `/api/products/${p.id.toUpperCase()}` });
    expect([lower.headers['x-cache'], upper.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(upper.json()).toMatchObject({ id: p.id, name: 'One spelling' });
    const patched = await admin.request({
      method: 'PATCH',
      url: `/api/products/${p.id}`,
      payload: { name: 'Renamed' },
    });
    expect(patched.statusCode).toBe(200);
    const after = await ctx.app.inject({ url: `/api/products/${p.id.toUpperCase()}` });
    expect(after.json()).toMatchObject({ id: p.id, name: 'Renamed' });
  });

  it('answers miss then hit, and 404 for an unknown id, 400 for a malformed one', async () => {
    const p = await insertProduct(ctx.db, { name: 'Cached thing' });
    const first = await ctx.app.inject({ url: `/api/products/${p.id}` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    expect(first.json()).toMatchObject({ id: p.id, name: 'Cached thing', priceCents: p.priceCents });
    const second = await ctx.app.inject({ url: `/api/products/${p.id}` });
    expect(second.headers['x-cache']).toBe('hit');

    const missing = await ctx.app.inject({ url: '/api/products/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Product not found' });
    const bad = await ctx.app.inject({ url: "/api/products/1' OR '1'='1" });
    expect(bad.statusCode).toBe(400);
  });
});

describe('admin writes', () => {
  it('creates a product (201) that is then listed', async () => {
    const res = await admin.post('/api/products', {
      sku: 'NEW-1',
      name: 'Brand new',
      priceCents: 12345,
      currency: 'GBP',
      stock: 3,
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ sku: 'NEW-1', name: 'Brand new', priceCents: 12345, currency: 'GBP', stock: 3 });
    const fetched = await ctx.app.inject({ url: `/api/products/${created.id}` });
    expect(fetched.json()).toEqual(created);
  });

  it('rejects a duplicate sku with 409', async () => {
    const p = await insertProduct(ctx.db, { sku: 'DUP-1' });
    const res = await admin.post('/api/products', { sku: p.sku, name: 'Again', priceCents: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/DUP-1/);
  });

  it('invalidates every cached view of a product at once on PATCH', async () => {
    const p = await insertProduct(ctx.db, { priceCents: 500 });
    // Warm both the item and a list page that contains it.
    await ctx.app.inject({ url: `/api/products/${p.id}` });
    const listUrl = '/api/products?limit=100';
    await ctx.app.inject({ url: listUrl });
    expect((await ctx.app.inject({ url: `/api/products/${p.id}` })).headers['x-cache']).toBe('hit');

    const res = await admin.patch(`/api/products/${p.id}`, { priceCents: 777, name: 'Renamed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: p.id, priceCents: 777, name: 'Renamed' });

    const item = await ctx.app.inject({ url: `/api/products/${p.id}` });
    expect(item.headers['x-cache']).toBe('miss');
    expect(item.json().priceCents).toBe(777);
    const list = await ctx.app.inject({ url: listUrl });
    expect(list.headers['x-cache']).toBe('miss');
    expect(list.json().items.find((x: { id: string }) => x.id === p.id).priceCents).toBe(777);
  });

  it('invalidates the in-process cache of the other instances of the region too (pub/sub)', async () => {
    const other = await ctx.anotherApp();
    const p = await insertProduct(ctx.db, { priceCents: 100 });
    // Warm the other instance's L1 (and Redis).
    await other.inject({ url: `/api/products/${p.id}` });
    expect((await other.inject({ url: `/api/products/${p.id}` })).headers['x-cache']).toBe('hit');

    expect((await admin.patch(`/api/products/${p.id}`, { priceCents: 200 })).statusCode).toBe(200);
    // The invalidation travels over Redis pub/sub; allow it a moment, far below the L1 TTL of 5 s.
    const deadline = Date.now() + 1_000;
    let seen = 0;
    while (Date.now() < deadline) {
      seen = (await other.inject({ url: `/api/products/${p.id}` })).json().priceCents;
      if (seen === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toBe(200);
  });

  it('answers 404 when patching an unknown product', async () => {
    const res = await admin.patch('/api/products/00000000-0000-4000-8000-000000000000', { stock: 1 });
    expect(res.statusCode).toBe(404);
  });

  it('refuses anonymous (401) and customer (403) writes, changing nothing', async () => {
    const p = await insertProduct(ctx.db);
    const before = await snapshotDatabase(ctx.db);
    const anon = await ctx.app.inject({
      method: 'POST',
      url: '/api/products',
      payload: { sku: 'X-1', name: 'x', priceCents: 1 },
    });
    expect(anon.statusCode).toBe(401);
    const asCustomer = await customer.patch(`/api/products/${p.id}`, { priceCents: 1 });
    expect(asCustomer.statusCode).toBe(403);
    expect(asCustomer.json()).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });

  it.each([
    [{ sku: 'A-1', name: 'x', priceCents: -1 }],
    [{ sku: 'A-1', name: 'x', priceCents: 1.5 }],
    [{ sku: 'A-1', name: 'x', priceCents: '100' }],
    [{ sku: 'A-1', name: '', priceCents: 1 }],
    [{ sku: 'A-1', name: 'x'.repeat(201), priceCents: 1 }],
    [{ sku: 'has space', name: 'x', priceCents: 1 }],
    [{ sku: 'A-1', name: 'x', priceCents: 1, currency: 'rupees' }],
    [{ sku: 'A-1', name: 'x', priceCents: 1, stock: -5 }],
    [{ sku: 'A-1', name: 'x', priceCents: 1, imageUrl: 'javascript:alert(1)' }],
    [{ sku: 'A-1', name: 'x', priceCents: 1, isAdmin: true }],
    [{ sku: 'A-1', name: 'x', priceCents: 2 ** 40 }],
  ])('rejects the bad product %j with 400 and writes nothing', async (payload) => {
    const before = await snapshotDatabase(ctx.db);
    const res = await admin.post('/api/products', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });

  // Issue #23: a protocol-relative URL is another site's image, whatever the page's scheme.
  it.each([
    '//evil.example/x.png',
    '/\\evil.example/x.png',
    'https://shop.example@evil.example/x.png',
    'https:///x.png',
    'http://cdn.example.com/x.png',
    '/assets/a b.png',
  ])('refuses the image URL %s with 400 on create and on change', async (imageUrl) => {
    const before = await snapshotDatabase(ctx.db);
    const created = await admin.post('/api/products', { sku: 'IMG-BAD', name: 'x', priceCents: 1, imageUrl });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('imageUrl'),
    });
    const p = await insertProduct(ctx.db);
    const beforeChange = await snapshotDatabase(ctx.db);
    expect((await admin.patch(`/api/products/${p.id}`, { imageUrl })).statusCode).toBe(400);
    expect(await snapshotDatabase(ctx.db)).toBe(beforeChange);
  });

  it.each([
    'https://cdn.example.com/products/x.png',
    'https://cdn.example.com:8443/x.png?v=2',
    '/assets/products/TEA-001.svg',
  ])('accepts the image URL %s', async (imageUrl) => {
    const p = await insertProduct(ctx.db);
    const res = await admin.patch(`/api/products/${p.id}`, { imageUrl });
    expect(res.statusCode).toBe(200);
    expect(res.json().imageUrl).toBe(imageUrl);
  });

  it('rejects an empty PATCH with 400', async () => {
    const p = await insertProduct(ctx.db);
    const res = await admin.patch(`/api/products/${p.id}`, {});
    expect(res.statusCode).toBe(400);
  });
});
