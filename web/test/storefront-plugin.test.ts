// The storefront plugin in front of a service: right files, right cache headers, SPA fallback for pages only,
// and the service's own routes and 404s untouched.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import storefront, { CACHE_IMMUTABLE, CACHE_PAGE_SHELL, CACHE_SHORT } from '../../service/src/plugins/storefront.js';

let dist: string;
let app: FastifyInstance;

function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecart-dist-'));
  mkdirSync(join(dir, 'assets', 'products'), { recursive: true });
  mkdirSync(join(dir, '.vite'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>shop</title><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-XyZ98765.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'products', 'TEA-1.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(
    join(dir, '.vite', 'manifest.json'),
    JSON.stringify({
      'index.html': { file: 'assets/index-AbCd1234.js', css: ['assets/index-XyZ98765.css'], isEntry: true },
    }),
  );
  return dir;
}

beforeAll(async () => {
  dist = fakeDist();
  app = Fastify();
  // Stand-ins for the service's routes and its JSON 404.
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'none' }),
  );
  app.get('/api/products', async () => ({ items: [], nextCursor: null }));
  app.get('/health', async () => ({ status: 'ok' }));
  await app.register(storefront, { distDir: dist });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('storefront plugin', () => {
  it('serves index.html at / as the shared page shell (browsers revalidate, edges keep it briefly)', async () => {
    const res = await app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe(CACHE_PAGE_SHELL);
    expect(res.body).toContain('<div id="app">');
  });

  it('serves hashed assets as immutable for a year with the right type', async () => {
    const js = await app.inject({ url: '/assets/index-AbCd1234.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe(CACHE_IMMUTABLE);
    const css = await app.inject({ url: '/assets/index-XyZ98765.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toBe(CACHE_IMMUTABLE);
  });

  it('gives unhashed product images a short cache, never immutable', async () => {
    const res = await app.inject({ url: '/assets/products/TEA-1.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toBe(CACHE_SHORT);
  });

  it('answers page paths with index.html when the browser asks for HTML', async () => {
    for (const url of ['/cart', '/products/0b5f7c1e-1111-4222-8333-944455556666', '/orders?x=1']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toBe(CACHE_PAGE_SHELL);
      expect(res.body).toContain('<div id="app">');
    }
  });

  it('never shadows the service: API routes, health and unknown API paths keep their answers', async () => {
    expect((await app.inject({ url: '/api/products', headers: html })).json()).toEqual({ items: [], nextCursor: null });
    expect((await app.inject({ url: '/health', headers: html })).json()).toEqual({ status: 'ok' });
    for (const url of ['/api/nope', '/metrics', '/ready', '/docs/anything', '/assets/missing.js', '/x.png']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/json/);
    }
  });

  it('does not answer non-HTML requests for unknown paths with the page', async () => {
    const res = await app.inject({ url: '/cart', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
  });

  it('does not expose the build manifest', async () => {
    expect((await app.inject({ url: '/.vite/manifest.json' })).statusCode).toBe(404);
  });

  it('registers nothing when the storefront is not built', async () => {
    const bare = Fastify();
    await bare.register(storefront, { distDir: join(dist, 'missing') });
    await bare.ready();
    expect((await bare.inject({ url: '/', headers: html })).statusCode).toBe(404);
    await bare.close();
  });
});
