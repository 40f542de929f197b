// Issue #23: metrics, readiness and the API docs are not on the public path. With an internal listener
// (INTERNAL_PORT), the public port answers them 404 in the error shape, exactly like a path that does not exist,
// after counting them against the per-IP limit; the internal listener serves them, and /health, unlimited.
// Every public route is rate-limited, the docs included (swagger used to be registered before the limit).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createTestContext, type TestContext } from './helpers/app.js';

let ctx: TestContext;
let internal: string;

beforeAll(async () => {
  ctx = await createTestContext({ INTERNAL_PORT: '9100', RATE_LIMIT_MAX: '5' });
  // server.ts listens it on INTERNAL_PORT; here any free port will do.
  await new Promise<void>((resolve) => ctx.app.internalServer.listen(0, '127.0.0.1', resolve));
  internal = `http://127.0.0.1:${(ctx.app.internalServer.address() as AddressInfo).port}`;
});
afterAll(() => ctx?.close());

const INTERNAL_PATHS = ['/metrics', '/ready', '/docs', '/docs/json', '/docs/static/index.html'];

describe('internal endpoints', () => {
  it.each(INTERNAL_PATHS.map((path, i) => [path, i] as const))(
    '%s: 404 on the public port, like an unknown path; served on the internal listener',
    async (path, i) => {
      // Its own client address per path: two requests each stay under the limit of 5 whatever the order.
      const remoteAddress = `203.0.113.${10 + i}`;
      const pub = await ctx.app.inject({ url: path, remoteAddress });
      const unknown = await ctx.app.inject({ url: '/no-such-path', remoteAddress });
      expect(pub.statusCode).toBe(404);
      expect(pub.json()).toEqual({ statusCode: 404, error: 'Not Found', message: `Route GET ${path} not found` });
      expect(Object.keys(pub.json())).toEqual(Object.keys(unknown.json()));
      const res = await fetch(internal + path);
      expect(res.status).toBe(200);
      if (path === '/metrics') expect(await res.text()).toContain('http_request_duration_seconds');
      if (path === '/ready') expect(await res.json()).toMatchObject({ status: 'ready' });
    },
  );

  it('counts every public request against the per-IP limit, docs and health included; never the internal ones', async () => {
    const ip = '203.0.113.7';
    const codes: number[] = [];
    for (const url of ['/docs/json', '/docs', '/metrics', '/ready', '/health', '/docs/json', '/health']) {
      codes.push((await ctx.app.inject({ url, remoteAddress: ip })).statusCode);
    }
    expect(codes).toEqual([404, 404, 404, 404, 200, 429, 429]);
    // The internal listener's caller (127.0.0.1 here) is well past 5 requests in this file: still answered.
    for (let i = 0; i < 8; i++) expect((await fetch(`${internal}/health`)).status).toBe(200);
  });

  it('production refuses to start without an internal listener, or with it on the public port', () => {
    const base = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://h/db' };
    expect(() => loadConfig({ ...base, INTERNAL_PORT: '0' })).toThrow(/INTERNAL_PORT must be set in production/);
    expect(() => loadConfig({ ...base, PORT: '9100', INTERNAL_PORT: '9100' })).toThrow(/INTERNAL_PORT must differ/);
    expect(loadConfig(base).internalPort).toBe(9100);
  });
});
