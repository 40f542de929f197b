// Hostile and malformed requests: always a 4xx in the API.md error shape, never a 5xx, and nothing stored
// changes. Script- and SQL-looking strings are stored and returned as plain data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let admin: Client;
beforeAll(async () => {
  ctx = await createTestContext({ BODY_LIMIT_BYTES: '16384' });
  await insertUser(ctx.db, 'admin@test.io', 'admin-password-1', 'admin');
  admin = new Client(ctx.app);
  await admin.login('admin@test.io', 'admin-password-1');
});
afterAll(() => ctx?.close());

const errorShape = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

describe('malformed requests', () => {
  it.each([
    ['malformed JSON', '{"email": "a@b.c", ', 'application/json', 400],
    ['JSON that is not an object', '"just a string"', 'application/json', 400],
    ['null body', 'null', 'application/json', 400],
    ['a form post', 'email=a@b.c&password=x', 'application/x-www-form-urlencoded', 415],
    ['plain text (refused since issue #23: CSRF)', 'hello', 'text/plain', 415],
    ['XML', '<user/>', 'application/xml', 415],
  ])('register with %s → %i', async (_name, payload, contentType, status) => {
    const before = await snapshotDatabase(ctx.db);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload,
      headers: { 'content-type': contentType },
    });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject(errorShape);
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });

  it('answers 413 for an oversized body and stores nothing', async () => {
    const before = await snapshotDatabase(ctx.db);
    const res = await admin.post('/api/products', {
      sku: 'BIG-1',
      name: 'x',
      priceCents: 1,
      description: 'x'.repeat(40_000),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });

  it('answers 400 for an over-long description within the body limit', async () => {
    const res = await admin.post('/api/products', {
      sku: 'LONG-1',
      name: 'x',
      priceCents: 1,
      description: 'x'.repeat(4001),
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('strings that look like code are data', () => {
  it('stores and returns SQL- and script-looking text verbatim', async () => {
    const name = `Robert'); DROP TABLE products;-- <script>alert("x")</script>`;
    const created = await admin.post('/api/products', {
      sku: 'XSS-1',
      name,
      priceCents: 100,
      description: '${7*7} {{7*7}} %00',
    });
    expect(created.statusCode).toBe(201);
    const fetched = await ctx.app.inject({ url: `/api/products/${created.json().id}` });
    expect(fetched.json().name).toBe(name);
    expect(fetched.json().description).toBe('${7*7} {{7*7}} %00');
    expect(fetched.headers['content-type']).toMatch(/^application\/json/);
    const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM products');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('login with SQL-looking credentials is a plain 401', async () => {
    await insertProduct(ctx.db);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: "admin@test.io' OR '1'='1", password: "' OR '1'='1" },
    });
    expect([400, 401]).toContain(res.statusCode);
    expect(res.json()).toMatchObject(errorShape);
  });
});
