// Presigned image uploads (admin only, image types, bounded size), health/readiness, OpenAPI, metrics,
// and the headers every response carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let admin: Client;
beforeAll(async () => {
  // Signing is local: fake credentials are enough to produce a presigned POST.
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-key-example-secret-key';
  ctx = await createTestContext({
    ASSETS_BUCKET: 'edgecart-assets-test',
    ASSETS_BASE_URL: 'https://shop.example.com/assets',
  });
  await insertUser(ctx.db, 'admin@test.io', 'admin-password-1', 'admin');
  admin = new Client(ctx.app);
  await admin.login('admin@test.io', 'admin-password-1');
});
afterAll(() => ctx?.close());

describe('POST /api/products/:id/image-upload', () => {
  it('returns a presigned POST limited to the content type and 5 MB, for a key under assets/', async () => {
    const p = await insertProduct(ctx.db);
    const res = await admin.post(`/api/products/${p.id}/image-upload`, { contentType: 'image/webp' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.url).toMatch(/edgecart-assets-test/);
    expect(body.fields.key).toMatch(new RegExp(`^assets/products/${p.id}/[0-9a-f-]{36}\\.webp$`));
    expect(body.fields['Content-Type']).toBe('image/webp');
    expect(body.imageUrl).toBe(`https://shop.example.com/assets/${body.fields.key.slice('assets/'.length)}`);
    const policy = JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString());
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 5 * 1024 * 1024]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/webp']);
  });

  it('refuses non-image types (400), unknown products (404), customers (403) and anonymous callers (401)', async () => {
    const p = await insertProduct(ctx.db);
    expect((await admin.post(`/api/products/${p.id}/image-upload`, { contentType: 'text/html' })).statusCode).toBe(400);
    expect((await admin.post(`/api/products/${p.id}/image-upload`, { contentType: 'image/svg+xml' })).statusCode).toBe(
      400,
    );
    expect(
      (
        await admin.post('/api/products/00000000-0000-4000-8000-000000000000/image-upload', {
          contentType: 'image/png',
        })
      ).statusCode,
    ).toBe(404);
    const customer = new Client(ctx.app);
    await customer.register('c@test.io');
    expect((await customer.post(`/api/products/${p.id}/image-upload`, { contentType: 'image/png' })).statusCode).toBe(
      403,
    );
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/products/${p.id}/image-upload`,
          payload: { contentType: 'image/png' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('answers 503 with a clear message when no bucket is configured', async () => {
    const app = await ctx.anotherApp({ ASSETS_BUCKET: '' });
    const c = new Client(app);
    await c.login('admin@test.io', 'admin-password-1');
    const p = await insertProduct(ctx.db);
    const res = await c.post(`/api/products/${p.id}/image-upload`, { contentType: 'image/png' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/ASSETS_BUCKET/);
  });
});

describe('health and operations endpoints', () => {
  it('/health is 200 with the region while serving and 503 draining once shutdown begins', async () => {
    const app = await ctx.anotherApp();
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok', region: 'test-region-1' });
    app.draining = true;
    const draining = await app.inject({ url: '/health' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toEqual({ status: 'draining' });
    // Requests still in flight during the drain are served, and told to reconnect elsewhere.
    const served = await app.inject({ url: '/api/products?limit=1' });
    expect(served.statusCode).toBe(200);
    expect(served.headers.connection).toBe('close');
  });

  it('/ready reports both dependencies', async () => {
    const res = await ctx.app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('/metrics exposes request durations by route, cache results and pool usage with the region label', async () => {
    await ctx.app.inject({ url: '/api/products?limit=2' });
    await ctx.app.inject({ url: '/api/products?limit=2' });
    const text = (await ctx.app.inject({ url: '/metrics' })).body;
    const bucket = text
      .split('\n')
      .find((l) => l.startsWith('http_request_duration_seconds_bucket') && l.includes('route="/api/products"'));
    expect(bucket).toMatch(/status_code="200"/);
    expect(bucket).toMatch(/region="test-region-1"/);
    expect(text).toMatch(/edgecart_cache_requests_total\{result="hit",region="test-region-1"\} [1-9]/);
    expect(text).toMatch(/edgecart_db_pool_connections\{pool="writer",state="total",region="test-region-1"\} \d/);
    expect(text).toMatch(/process_resident_memory_bytes\{region="test-region-1"\}/);
  });

  it('/metrics times registered routes only: a scan of random paths creates no series', async () => {
    await ctx.app.inject({ url: '/api/no-such-path-7f3a' });
    await ctx.app.inject({ url: '/wp-login.php' });
    const text = (await ctx.app.inject({ url: '/metrics' })).body;
    expect(text).not.toContain('no-such-path-7f3a');
    expect(text).not.toContain('wp-login');
    expect(text).not.toMatch(/http_request_duration_seconds_count\{[^}]*route="\/metrics"/);
  });

  it('/docs serves the OpenAPI document generated from the route schemas', async () => {
    const res = await ctx.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    for (const path of [
      '/api/products',
      '/api/products/{id}',
      '/api/auth/login',
      '/api/cart/items/{productId}',
      '/api/orders',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(
      doc.paths['/api/cart/items/{productId}'].put.requestBody.content['application/json'].schema.properties.quantity,
    ).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 99,
    });
    expect((await ctx.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('allows cross-origin calls only from CORS_ORIGINS (same-origin by default)', async () => {
    const preflight = {
      method: 'OPTIONS' as const,
      url: '/api/cart',
      headers: { origin: 'https://partner.example', 'access-control-request-method': 'PUT' },
    };
    const closed = await ctx.app.inject(preflight);
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();
    const app = await ctx.anotherApp({ CORS_ORIGINS: 'https://partner.example' });
    const open = await app.inject(preflight);
    expect(open.headers['access-control-allow-origin']).toBe('https://partner.example');
    expect(open.headers['access-control-allow-credentials']).toBe('true');
    const other = await app.inject({ ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('every response, errors and unknown routes included, carries x-region and the error shape', async () => {
    const res = await ctx.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-region']).toBe('test-region-1');
    expect(res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Route GET /api/nothing-here not found',
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // JSON under /api: a policy that allows nothing; pages: the storefront's full policy.
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    const page = await ctx.app.inject({ url: '/health' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-download-options']).toBeUndefined();
  });
});
