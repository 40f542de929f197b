// Shutdown under load, as the ALB's connection draining sees it. The real server (`node --import tsx
// service/src/server.ts`) serves an autocannon load; SIGTERM arrives mid-run. Then:
// - every request the service accepted is answered, and answered well (2xx): nothing in flight is dropped;
// - /health answers 503 "draining" for DRAIN_DELAY_MS, while other routes keep serving;
// - the process exits 0 within DRAIN_DELAY_MS + SHUTDOWN_GRACE_MS.
// Connections refused after the listener has closed are expected (the ALB has stopped routing here by then) and
// are counted apart. So are resets of requests autocannon wrote on a connection after the service had answered
// on it with `Connection: close` (autocannon, unlike the ALB, ignores that header and pipelines the next request
// onto a closing socket): the service never read those. Which requests it did accept, and how each ended,
// comes from its own request log.
import { request } from 'node:http';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, insertProduct } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REDIS_URL } from '../helpers/env.js';
import { killAll } from './support/processes.js';
import { type ServiceProcess, startService } from './support/service-process.js';
import { Shopper } from './support/shopper.js';

const DRAIN_DELAY_MS = 1_500;
const SHUTDOWN_GRACE_MS = 5_000;
const PREFIX = `edgecart-test:drain-${process.pid}:`;

let db: TestDatabase;
let svc: ServiceProcess;
/** reqId → { url, statusCode once completed } from the service's own log. */
const accepted = new Map<string, { url: string; statusCode?: number }>();

function onLogLine(line: string) {
  let entry: { msg?: string; reqId?: string; req?: { url?: string }; res?: { statusCode?: number } };
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (!entry.reqId) return;
  if (entry.msg === 'incoming request') accepted.set(entry.reqId, { url: entry.req?.url ?? '?' });
  if (entry.msg === 'request completed') {
    const seen = accepted.get(entry.reqId) ?? { url: '?' };
    seen.statusCode = entry.res?.statusCode;
    accepted.set(entry.reqId, seen);
  }
}

/** GET /health on a fresh connection each time (no keep-alive), like a load balancer's health checker. */
// A check that connects in the instant the listener closes is reset (the kernel had queued the connection; the
// closing server never accepts it): to a health checker that is the same failed check as a refused connect.
function health(url: string): Promise<number | 'refused' | 'reset' | 'error'> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ECONNRESET' ? 'reset' : 'error'),
    );
    req.end();
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 30; i++) await insertProduct(db, { name: `Drain product ${i}` });
  svc = await startService(
    'drain',
    {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      // Every catalog read goes to the database, so requests are genuinely in flight when SIGTERM arrives.
      CACHE_TTL_SECONDS: '0',
      DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
      LOG_LEVEL: 'info',
      // The test counts accepted requests from the service's own start and end lines.
      LOG_REQUESTS: 'all',
    },
    { onLogLine },
  );
});

afterAll(async () => {
  await killAll();
  await clearRedisPrefix(PREFIX).catch(() => {});
  await db?.drop();
});

describe('SIGTERM under load', () => {
  it('answers every accepted request, reports draining on /health, and exits 0 in time', async () => {
    const shopper = new Shopper(svc.url);
    const account = { email: 'drain@test.io', password: 'long-enough-password' };
    expect((await shopper.post('/api/auth/register', account)).status).toBe(202);
    expect((await shopper.post('/api/auth/login', account)).status).toBe(200);
    const productId = (await shopper.get('/api/products?limit=1')).body.items[0].id as string;
    expect((await shopper.put(`/api/cart/items/${productId}`, { quantity: 1 })).status).toBe(200);

    const refused: string[] = [];
    const resetWhileDraining: string[] = [];
    const otherErrors: string[] = [];
    const statuses = new Map<number, number>();
    let answeredAfterSigterm = 0;
    let sigtermAt = 0;
    let finish: (result: autocannon.Result) => void = () => {};
    const finished = new Promise<autocannon.Result>((resolve) => {
      finish = resolve;
    });
    const load = autocannon(
      {
        url: svc.url,
        connections: 16,
        duration: 20, // an upper bound: the run is stopped as soon as the process has exited
        timeout: 5,
        requests: [
          { method: 'GET', path: '/api/products?limit=20' },
          { method: 'GET', path: `/api/products/${productId}` },
          { method: 'GET', path: '/api/cart', headers: { cookie: shopper.cookie } },
        ],
      },
      (_err, result) => finish(result),
    );
    load.on('response', (_client, statusCode) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      if (sigtermAt) answeredAfterSigterm++;
    });
    load.on('reqError', (error) => {
      const err = error as NodeJS.ErrnoException;
      if (err.code === 'ECONNREFUSED') refused.push(err.code);
      else if (sigtermAt && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resetWhileDraining.push(err.code);
      else otherErrors.push(err.code ?? err.message);
    });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const beforeSigterm = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(beforeSigterm, 'the load was running before SIGTERM').toBeGreaterThan(50);

    sigtermAt = Date.now();
    svc.signal('SIGTERM');
    // The health checker's view during the drain.
    const healthSeen: (number | string)[] = [];
    const exitedAt = svc.exited.then((exit) => ({ ...exit, ms: Date.now() - sigtermAt }));
    let exited = false;
    void exitedAt.then(() => {
      exited = true;
    });
    while (!exited && Date.now() - sigtermAt < DRAIN_DELAY_MS + SHUTDOWN_GRACE_MS + 3_000) {
      healthSeen.push(await health(svc.url));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exit = await exitedAt;
    load.stop();
    const result = await finished;

    // The process: a clean exit within its deadline, and not before the drain delay.
    expect(exit, svc.log()).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeGreaterThanOrEqual(DRAIN_DELAY_MS - 100);
    expect(exit.ms).toBeLessThan(DRAIN_DELAY_MS + SHUTDOWN_GRACE_MS);

    // The health checker: 503 draining first, then nothing listening.
    expect(healthSeen[0]).toBe(503);
    expect(healthSeen.filter((s) => s === 503).length).toBeGreaterThanOrEqual(3);
    expect(
      healthSeen.filter((s) => s !== 503 && s !== 'refused' && s !== 'reset'),
      `health answers: ${healthSeen.join(',')}`,
    ).toEqual([]);

    // The load: it kept being served during the drain, every answer it got was a success, nothing timed out,
    // and the only errors are refused connects and resets of unread requests, both after SIGTERM.
    expect(answeredAfterSigterm).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s < 200 || s >= 400)).toEqual([]);
    expect(result.timeouts).toBe(0);
    expect(otherErrors).toEqual([]);

    // The service's own account: every request it accepted (except the health checker's 503s) completed 2xx.
    const load2xx = [...accepted.values()].filter((r) => r.url !== '/health');
    expect(load2xx.length).toBeGreaterThan(beforeSigterm);
    const failed = load2xx.filter((r) => r.statusCode === undefined || r.statusCode >= 400);
    expect(failed, 'accepted requests that did not complete with a success').toEqual([]);
    console.info(
      `[drain] accepted ${load2xx.length} requests (${answeredAfterSigterm} answered after SIGTERM), ` +
        `${refused.length} connects refused after the listener closed, ${resetWhileDraining.length} unread ` +
        `requests reset on closing connections, exit after ${exit.ms} ms`,
    );
  }, 40_000);
});
