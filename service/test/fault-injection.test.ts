// The lab's bad builds (LAB_FAULT_INJECTION, issue #21): what each one does to shoppers, that production refuses
// the setting, and that their requests are logged with the fields the release alarms' metric filters read
// (infra/region/monitoring.ts: method, url, statusCode, ms).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { SLOW_REQUEST_MS } from '../src/plugins/metrics.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { testConfig } from './helpers/app.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function appWith(env: Record<string, string>) {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const config = testConfig(db, `edgecart-test:fault:${Math.random()}:`, { LOG_LEVEL: 'warn', ...env });
  const app = await buildApp(config, { logger: { ...(loggerOptions(config) as object), stream } });
  await app.ready();
  return { app, requestLines: () => lines.filter((l) => l.msg === 'request failed or slow') };
}

describe('LAB_FAULT_INJECTION', () => {
  it('checkout-errors: checkout answers 500 in the error shape, logged as the checkout-errors filter matches', async () => {
    const { app, requestLines } = await appWith({ LAB_FAULT_INJECTION: 'checkout-errors' });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'idempotency-key': 'k1' } });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'fault injected: this build fails checkout',
      });
      // The catalog is unaffected: only checkout is broken.
      expect((await app.inject({ url: '/api/products?limit=2' })).statusCode).toBe(200);
      expect(requestLines()).toEqual([
        expect.objectContaining({ method: 'POST', url: '/api/orders', statusCode: 500 }),
      ]);
    } finally {
      await app.close();
    }
  });

  it('slow-shopper-paths: the catalog answers after the delay, logged slower than SLOW_REQUEST_MS; health is not slowed', async () => {
    const { app, requestLines } = await appWith({
      LAB_FAULT_INJECTION: 'slow-shopper-paths',
      LAB_FAULT_DELAY_MS: '1100',
    });
    try {
      const started = performance.now();
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
      expect(performance.now() - started).toBeLessThan(1_000);
      const res = await app.inject({ url: '/api/products?limit=2' });
      expect(res.statusCode).toBe(200);
      const [line] = requestLines();
      expect(line).toMatchObject({ method: 'GET', url: '/api/products?limit=2', statusCode: 200 });
      expect(line!.ms).toBeGreaterThan(SLOW_REQUEST_MS);
    } finally {
      await app.close();
    }
  });

  it('is refused with NODE_ENV=production, and an unknown fault is refused everywhere', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://db/x' };
    expect(() => loadConfig({ ...production, LAB_FAULT_INJECTION: 'checkout-errors' })).toThrow(
      /LAB_FAULT_INJECTION is a lab-only setting, refused with NODE_ENV=production/,
    );
    expect(() => loadConfig({ LAB_FAULT_INJECTION: 'everything' })).toThrow(/LAB_FAULT_INJECTION must be one of/);
    expect(loadConfig({}).faultInjection).toBeUndefined();
  });
});
