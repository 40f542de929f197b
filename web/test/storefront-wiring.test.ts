// The service as app.ts builds it serves the storefront at `/` next to its API (so `npm run demo` shows the
// shop), and the page routes do not swallow the API's own answers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../service/test/helpers/app.js';
import { ensureWebBuild } from '../build/build-web.js';

let ctx: TestContext;

beforeAll(async () => {
  await ensureWebBuild();
  ctx = await createTestContext();
}, 120_000);

afterAll(async () => ctx?.close());

it('app.ts registers the storefront plugin and serves the page at /', async () => {
  expect(ctx.app.hasPlugin('edgecart-storefront')).toBe(true);
  const page = await ctx.app.inject({ url: '/', headers: { accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.headers['x-region']).toBe('test-region-1');
  expect(page.body).toContain('<div id="app">');
});

it('keeps the API answering JSON, including its 404s, when a browser asks', async () => {
  const products = await ctx.app.inject({ url: '/api/products?limit=1', headers: { accept: 'text/html' } });
  expect(products.statusCode).toBe(200);
  expect(products.json()).toHaveProperty('items');
  const missing = await ctx.app.inject({ url: '/api/no-such-route', headers: { accept: 'text/html' } });
  expect(missing.statusCode).toBe(404);
  expect(missing.json()).toMatchObject({ statusCode: 404 });
});
