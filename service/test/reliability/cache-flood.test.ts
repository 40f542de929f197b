// Issue #23's high finding, measured: one anonymous client sending distinct list cursors and spellings of product
// ids used to fill the catalog cache until the process died ("JavaScript heap out of memory" after ≈ 9,400
// cursors with the image's heap). Here the real server runs with the production heap flags of `npm start`
// (--max-old-space-size=192 --max-semi-space-size=8) and takes a flood of 8,000 such requests on pages of
// ≈ 100 KB. It must keep serving, stay under that bound, and cache only canonical keys: the first page and the
// pages it linked to, one entry per real product.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REDIS_URL } from '../helpers/env.js';
import { killAll } from './support/processes.js';
import { type ServiceProcess, startService } from './support/service-process.js';

const PREFIX = `edgecart-test:flood-${process.pid}:`;
const PRODUCTS = 64;
const FLOOD_REQUESTS = 8_000;
/** The production heap (package.json `start`) plus what node and tsx need outside it. */
const RSS_BOUND_BYTES = 320 * 1024 * 1024;

let db: TestDatabase;
let svc: ServiceProcess;
let ids: string[];

async function rss(field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${svc.proc.pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
}

/** The same id with each letter's case chosen at random: a spelling `format: uuid` accepts. */
function respell(id: string): string {
  return [...id].map((c) => (Math.random() < 0.5 ? c.toUpperCase() : c)).join('');
}

const randomTag = () => Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');

/** What a hostile client sends: invented cursors (bare, with a forged tag) and spellings of real ids. */
function hostilePath(i: number): string {
  switch (i % 4) {
    case 0:
      return `/api/products?limit=100&cursor=${randomUUID()}`;
    case 1:
      return `/api/products?limit=100&cursor=${ids[i % PRODUCTS]!.replace(/^./, '0')}.${randomTag()}`;
    case 2:
      return `/api/products/${respell(ids[i % PRODUCTS]!)}`;
    default:
      return `/api/products/${randomUUID()}`;
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Products of ≈ 1.5 KB each, so a page of 100 is ≈ 100 KB of JSON, as in the review's reproduction.
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at)
     SELECT gen_random_uuid(), 'FLOOD-' || n, 'Product ' || n, repeat('A long description. ', 75), 1000, 'INR', 10, now()
       FROM generate_series(1, ${PRODUCTS}) AS n
     RETURNING id`,
  );
  ids = rows.map((r) => r.id);
  svc = await startService('flooded', {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: PREFIX,
    NODE_OPTIONS: '--max-old-space-size=192 --max-semi-space-size=8',
  });
});

afterAll(async () => {
  await killAll();
  await clearRedisPrefix(PREFIX);
  await db?.drop();
});

describe('a flood of invented cursors and id spellings (issue #23)', () => {
  it('keeps the process serving, under the production memory bound, caching only canonical keys', async () => {
    const before = await rss('VmRSS');
    let peak = before;
    const sampler = setInterval(() => {
      rss('VmRSS').then(
        (v) => (peak = Math.max(peak, v)),
        () => {},
      );
    }, 100);
    let i = 0;
    const result = await autocannon({
      url: svc.url,
      connections: 20,
      amount: FLOOD_REQUESTS,
      requests: [{ setupRequest: (req) => ({ ...req, path: hostilePath(i++) }) }],
    });
    clearInterval(sampler);
    peak = Math.max(peak, await rss('VmHWM'));
    const statuses = `2xx ${result['2xx']}, 4xx ${result['4xx']}, 5xx ${result['5xx']}, errors ${result.errors}`;
    console.log(
      `cache flood: ${FLOOD_REQUESTS} requests in ${(result.duration).toFixed(1)} s (${Math.round(result.requests.average)}/s), ` +
        `${statuses}; RSS ${(before / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );

    expect(svc.proc.exitCode).toBeNull();
    expect(result.errors + result.timeouts + result['5xx']).toBe(0);
    // Invented ids are 404s; everything else is answered.
    expect(result['2xx'] + result['4xx']).toBe(FLOOD_REQUESTS);
    expect(peak).toBeLessThan(RSS_BOUND_BYTES);
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    expect((await fetch(`${svc.url}/api/products?limit=100`)).status).toBe(200);

    // Redis holds the canonical keys only: the first page of limit 100 and one entry per real product.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const pages = (await redis.hKeys(`${PREFIX}cache:products:lists`)).filter((f) => !f.startsWith('\u0000'));
      expect(pages).toEqual(['100:']);
      const productKeys = await redis.keys(`${PREFIX}cache:product:*`);
      expect(productKeys.length).toBeLessThanOrEqual(PRODUCTS);
      for (const k of productKeys) expect(k).toBe(k.toLowerCase());
    } finally {
      await redis.close();
    }
  }, 120_000);
});
