// Logs: by default only failed (5xx) and slow requests get a line, and no line carries a credential.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../src/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { insertUser, testConfig } from './helpers/app.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, stream };
}

it('logs nothing for successful requests and one warning for a 5xx, without the password or cookie', async () => {
  await insertUser(db, 'a@b.io', 'hunter2-hunter2', 'customer');
  // Redis on a closed port: a login that succeeds cannot store its session and answers 503.
  const config = testConfig(db, 'edgecart-test:logging:', { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'info' });
  const { lines, stream } = capture();
  const app = await buildApp(config, {
    logger: { ...(loggerOptions(config) as object), stream },
    redisConnectWaitMs: 200,
  });
  try {
    lines.length = 0;
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect(lines.filter((l) => l.reqId)).toEqual([]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: 'sid=secret-session-id' },
      payload: { email: 'a@b.io', password: 'hunter2-hunter2' },
    });
    expect(res.statusCode).toBe(503);
    const failed = lines.filter((l) => l.msg === 'request failed or slow');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, statusCode: 503, method: 'POST', url: '/api/auth/login' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('secret-session-id');
  } finally {
    await app.close();
  }
});

it('keeps a plain X-Request-Id, and replaces an unbounded or odd one by a UUID in the answer and the logs', async () => {
  const config = testConfig(db, 'edgecart-test:logging-ids:', { LOG_LEVEL: 'info', LOG_REQUESTS: 'all' });
  const { lines, stream } = capture();
  const app = await buildApp(config, { logger: { ...(loggerOptions(config) as object), stream } });
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  try {
    const plain = await app.inject({ url: '/health', headers: { 'x-request-id': 'checkout-7f3a.retry:2' } });
    expect(plain.headers['x-request-id']).toBe('checkout-7f3a.retry:2');
    for (const sent of ['a'.repeat(10_000), '<script>alert(1)</script>', 'id with spaces', '', 'x'.repeat(65)]) {
      lines.length = 0;
      const res = await app.inject({ url: '/health', headers: { 'x-request-id': sent } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).toMatch(uuid);
      const ids = lines.map((l) => l.reqId);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id === res.headers['x-request-id'])).toBe(true);
    }
    // Without a header every request still gets an id of its own.
    const a = await app.inject({ url: '/health' });
    const b = await app.inject({ url: '/health' });
    expect(a.headers['x-request-id']).toMatch(uuid);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  } finally {
    await app.close();
  }
});
