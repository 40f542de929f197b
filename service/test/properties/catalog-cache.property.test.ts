// Issue #23: any sequence of catalog requests keeps the catalog cache within its budget and its keys canonical.
// fast-check sends arbitrary mixes of what a browser does (first pages at any limit, the nextCursor it was given,
// product ids) and what a hostile client does (invented cursors, forged tags, a cursor replayed with another
// limit, malformed cursors, every case spelling of real ids, invented ids). After every request: L1's bytes are
// within CACHE_L1_MAX_BYTES; after every sequence: the cached list pages in Redis are within
// CACHE_REDIS_LIST_MAX_BYTES, every cached page is the first page or starts after a real product, and every
// cached product key is a real product's lower-case id.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, type TestContext } from '../helpers/app.js';
import { REDIS_URL } from '../helpers/env.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 40);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const L1_BUDGET = 40_000;
const REDIS_LIST_BUDGET = 30_000;

let ctx: TestContext;
let redis: ReturnType<typeof createClient>;
let ids: string[];
/** Every nextCursor the service handed out, with the limit it was for (what a browser can send back). */
const handedOut: Array<{ limit: number; cursor: string }> = [];

beforeAll(async () => {
  ctx = await createTestContext({
    CACHE_L1_MAX_BYTES: String(L1_BUDGET),
    CACHE_REDIS_LIST_MAX_BYTES: String(REDIS_LIST_BUDGET),
  });
  redis = createClient({ url: REDIS_URL });
  await redis.connect();
  ids = [];
  for (let n = 0; n < 24; n++) ids.push((await insertProduct(ctx.db, { name: `Bounded ${n} ${'x'.repeat(180)}` })).id);
});

afterAll(async () => {
  await redis?.close();
  await ctx?.close();
});

const limit = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 }));
const spelling = (id: string) =>
  fc
    .array(fc.boolean(), { minLength: id.length, maxLength: id.length })
    .map((upper) => [...id].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const tag = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));

/** One catalog request, as a URL; `pick` chooses among what has been handed out so far. */
const request = fc.oneof(
  limit.map((l) => `/api/products?limit=${l}`),
  fc.tuple(fc.nat(), fc.boolean(), limit).map(([pick, sameLimit, other]) => {
    const given = handedOut[pick % Math.max(1, handedOut.length)];
    if (!given) return `/api/products?limit=${other}`;
    return `/api/products?limit=${sameLimit ? given.limit : other}&cursor=${given.cursor}`;
  }),
  fc.tuple(limit, fc.uuid()).map(([l, c]) => `/api/products?limit=${l}&cursor=${c}`),
  fc.tuple(limit, fc.nat(), tag).map(([l, i, t]) => `/api/products?limit=${l}&cursor=${ids[i % ids.length]}.${t}`),
  fc.tuple(limit, fc.uuid()).map(([l, c]) => `/api/products?limit=${l}&cursor=${c.toUpperCase()}`),
  fc
    .nat()
    .chain((i) => spelling(ids[i % ids.length]!))
    .map((id) => `/api/products/${id}`),
  fc.uuid().map((id) => `/api/products/${id}`),
);

async function redisListPages(): Promise<{ fields: string[]; bytes: number }> {
  const stored = await redis.hGetAll(`${ctx.prefix}cache:products:lists`);
  const fields = Object.keys(stored).filter((f) => !f.startsWith('\u0000'));
  return { fields, bytes: fields.reduce((sum, f) => sum + f.length + stored[f]!.length, 0) };
}

describe('the catalog cache under any sequence of catalog requests (issue #23)', () => {
  it('stays within its byte budgets and caches canonical keys only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 40 }), async (urls) => {
        for (const url of urls) {
          const res = await ctx.app.inject({ method: 'GET', url });
          expect([200, 400, 404]).toContain(res.statusCode);
          if (res.statusCode === 200 && url.startsWith('/api/products?')) {
            const next = res.json<{ nextCursor: string | null }>().nextCursor;
            const l = Number(new URL(url, 'http://x').searchParams.get('limit'));
            if (next) handedOut.push({ limit: l, cursor: next });
          }
          expect(ctx.app.deps.cache.l1Usage().bytes).toBeLessThanOrEqual(L1_BUDGET);
        }
        const pages = await redisListPages();
        expect(pages.bytes).toBeLessThanOrEqual(REDIS_LIST_BUDGET);
        for (const field of pages.fields) {
          const [l, after] = field.split(':');
          expect(Number(l)).toBeGreaterThanOrEqual(1);
          if (after) expect(ids).toContain(after);
        }
        const productKeys = await redis.keys(`${ctx.prefix}cache:product:*`);
        for (const k of productKeys) expect(ids).toContain(k.slice(`${ctx.prefix}cache:product:`.length));
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
    // The mix reached the cached paths, not only the refusals.
    expect(handedOut.length).toBeGreaterThan(0);
    expect(ctx.app.deps.cache.l1Usage().entries).toBeGreaterThan(0);
  }, 120_000);

  it('an invented cursor is answered but not cached; the cursor the service handed out is', async () => {
    const first = await ctx.app.inject({ method: 'GET', url: '/api/products?limit=7' });
    const next = first.json<{ nextCursor: string }>().nextCursor;
    expect(next).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{22}$/);
    const invented = `/api/products?limit=7&cursor=${randomUUID()}`;
    for (let i = 0; i < 2; i++)
      expect((await ctx.app.inject({ method: 'GET', url: invented })).headers['x-cache']).toBe('miss');
    const linked = `/api/products?limit=7&cursor=${next}`;
    await ctx.app.inject({ method: 'GET', url: linked });
    expect((await ctx.app.inject({ method: 'GET', url: linked })).headers['x-cache']).toBe('hit');
  });
});
