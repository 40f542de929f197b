// Property-based bad input (fast-check) over every route: arbitrary bodies, path params, query strings and
// headers, sent as an anonymous visitor, a customer or an admin. Whatever arrives:
// - the answer is never a 5xx;
// - every 4xx carries the API.md error shape, with statusCode equal to the HTTP status;
// - a rejected request (4xx) leaves the database and every Redis key under this file's prefix exactly as they were.
// Runs are bounded (numRuns per route family, FC_NUM_RUNS to change it) so the file stays within a few seconds;
// a failure prints the seed and the shrunk request, and `FC_SEED=<seed>` replays it. FC_STATS=1 prints the
// statuses each family reached (the generators are biased towards nearly valid requests so that handlers, not
// only validation, are exercised).
import type { InjectOptions } from 'fastify';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  insertProduct,
  insertUser,
  type ProductFixture,
  snapshotDatabase,
  type TestContext,
} from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import { REDIS_URL } from '../helpers/env.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

let ctx: TestContext;
let redis: ReturnType<typeof createClient>;
let product: ProductFixture;
let orderId: string;
const callers: Record<'anonymous' | 'customer' | 'admin', Client> = {} as never;

beforeAll(async () => {
  // Uploads configured (presigning is local; fake credentials suffice), so a valid admin upload is a 201, not the
  // 503 "not configured" that a deployment without a bucket rightly answers.
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-key-example-secret-key';
  ctx = await createTestContext({ ASSETS_BUCKET: 'edgecart-assets-fuzz' });
  redis = createClient({ url: REDIS_URL });
  redis.on('error', () => {});
  await redis.connect();
  product = await insertProduct(ctx.db, { name: 'Fuzzed', stock: 1_000 });
  await insertUser(ctx.db, 'admin@fuzz.io', 'admin-password-1', 'admin');
  await insertUser(ctx.db, 'customer@fuzz.io', 'customer-password-1', 'customer');
  callers.anonymous = new Client(ctx.app);
  callers.admin = new Client(ctx.app);
  await callers.admin.login('admin@fuzz.io', 'admin-password-1');
  callers.customer = new Client(ctx.app);
  await callers.customer.login('customer@fuzz.io', 'customer-password-1');
  await callers.customer.put(`/api/cart/items/${product.id}`, { quantity: 1 });
  orderId = (await callers.customer.post('/api/orders')).json().id;
  await callers.customer.put(`/api/cart/items/${product.id}`, { quantity: 2 });
});

afterAll(async () => {
  await redis?.close();
  await ctx?.close();
});

/** Every key under the prefix with its value (strings and hashes), sorted: sessions, cache entries, limits. */
async function snapshotRedis(): Promise<string> {
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${ctx.prefix}*`, COUNT: 500 })) keys.push(...batch);
  keys.sort();
  const values = await Promise.all(
    keys.map(async (k) =>
      (await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hGetAll(k)) : await redis.get(k),
    ),
  );
  return JSON.stringify(keys.map((k, i) => [k, values[i]]));
}

// ---- generators ---------------------------------------------------------------------------------------------

/** What an HTTP parser lets through in a header value: visible ASCII, space, tab and obs-text (0x80–0xFF). */
const headerChar = fc.mapToConstant(
  { num: 95, build: (v) => String.fromCharCode(0x20 + v) },
  { num: 1, build: () => '\t' },
  { num: 128, build: (v) => String.fromCharCode(0x80 + v) },
);
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 200 }),
  fc.constantFrom('', ' ', '\u00ff', 'a'.repeat(300)),
);

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    "' OR '1'='1",
    '<script>alert(1)</script>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
    '${7*7}',
    '../../etc/passwd',
    '%00',
    '\u0000',
    'null',
    'undefined',
    '__proto__',
    'x'.repeat(5_000),
  ),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 99, 100, 101, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
/** A value for any field: right type, wrong type, or hostile. */
const fieldValue = fc.oneof(weirdString, number, fc.boolean(), fc.constant(null), anyJson, fc.uuid());

/** Path segments: real ids, other UUIDs, and strings that are not ids at all (URL-encoded as a browser would). */
const idSegment = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(product.id) },
    fc.constant(orderId),
    fc.uuid().map((u) => u),
    fc.constantFrom('0', '-1', 'null', '%', '%zz', '..', 'a'.repeat(200), `${product.id}x`, product.id.toUpperCase()),
    weirdString.map((s) => encodeURIComponent(s)),
  );

/**
 * A JSON object for a route whose body has `fields`: either a sparse one with any values, or a complete, valid
 * one with at most one field swapped for any value (so requests reach the handlers, not only validation);
 * sometimes plus a field the route does not know.
 */
function objectBody(fields: Record<string, fc.Arbitrary<unknown>>) {
  const sparse = fc.record(
    Object.fromEntries(Object.entries(fields).map(([k, arb]) => [k, fc.oneof(arb, fieldValue)])),
    { requiredKeys: [] },
  );
  const keys = Object.keys(fields);
  const nearlyValid = keys.length
    ? fc
        .tuple(fc.record(fields), fc.option(fc.tuple(fc.constantFrom(...keys), fieldValue), { freq: 2 }))
        .map(([obj, swap]) => (swap ? { ...obj, [swap[0]]: swap[1] } : obj))
    : fc.constant({});
  const extraField = fc.option(
    fc.tuple(fc.constantFrom('role', 'isAdmin', '__proto__', 'priceCents', 'stock', 'extra'), fieldValue),
    { freq: 4 },
  );
  return fc
    .tuple(fc.oneof(sparse, nearlyValid), extraField)
    .map(([obj, extra]) => (extra ? { ...(obj as object), [extra[0]]: extra[1] } : obj));
}

/** A request body: mostly JSON objects, sometimes any JSON, malformed JSON, the wrong media type, or none. */
function body(fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc.oneof(
    { weight: 6, arbitrary: objectBody(fields).map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })) },
    { weight: 1, arbitrary: anyJson.map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })) },
    { weight: 1, arbitrary: weirdString.map((s) => ({ payload: s, type: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          weirdString,
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'application/json; charset=latin1',
            'multipart/form-data',
            '',
          ),
        )
        .map(([payload, type]) => ({ payload, type })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const query = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...Object.keys(fields), 'extra', ''), fc.string({ maxLength: 8 })),
      fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 3 })),
      { maxKeys: 4 },
    )
    .map((q) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        for (const one of Array.isArray(v) ? v : [v])
          params.append(k, typeof one === 'string' ? one : JSON.stringify(one));
      const text = params.toString();
      return text ? `?${text}` : '';
    });

const headers = fc.dictionary(
  fc.constantFrom(
    'idempotency-key',
    'x-request-id',
    'accept',
    'x-forwarded-for',
    'origin',
    'cookie',
    'accept-encoding',
    'x-forwarded-proto',
  ),
  headerValue,
  { maxKeys: 3 },
);

const caller = fc.constantFrom('anonymous', 'customer', 'admin') as fc.Arbitrary<keyof typeof callers>;

interface FuzzRequest {
  method: InjectOptions['method'];
  url: string;
  body?: { payload: string; type: string };
  headers: Record<string, string>;
  caller: keyof typeof callers;
}

function route(
  method: FuzzRequest['method'],
  path: fc.Arbitrary<string>,
  parts: { body?: fc.Arbitrary<FuzzRequest['body']>; query?: fc.Arbitrary<string> } = {},
) {
  return fc
    .record({
      path,
      query: parts.query ?? fc.constant(''),
      body: parts.body ?? fc.constant(undefined),
      headers,
      caller,
    })
    .map(
      ({ path: p, query: q, body: b, headers: h, caller: c }): FuzzRequest => ({
        method,
        url: p + q,
        body: b,
        headers: h,
        caller: c,
      }),
    );
}

const productFields = {
  sku: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$/),
  name: fc.string({ minLength: 1, maxLength: 30 }),
  description: fc.string({ maxLength: 50 }),
  priceCents: fc.integer({ min: 0, max: 100_000 }),
  currency: fc.constantFrom('INR', 'GBP', 'inr', 'EURO'),
  stock: fc.integer({ min: 0, max: 100 }),
  imageUrl: fc.constantFrom('https://cdn.example/x.png', '/assets/x.png', 'javascript:alert(1)', null),
};
const credentials = {
  email: fc.oneof(fc.emailAddress(), fc.constantFrom('admin@fuzz.io', 'customer@fuzz.io', 'ADMIN@fuzz.io')),
  password: fc.oneof(fc.string({ minLength: 10, maxLength: 30 }), fc.constantFrom('admin-password-1', 'short')),
};

/** Built per test (the fixtures' ids exist only after beforeAll). */
const families: Record<string, () => fc.Arbitrary<FuzzRequest>> = {
  'health, readiness and metrics': () =>
    fc.oneof(
      route('GET', fc.constantFrom('/health', '/ready', '/metrics'), { query: query({ limit: number }) }),
      route('POST', fc.constantFrom('/health', '/ready', '/metrics'), { body: body({}) }),
    ),
  'catalog reads': () =>
    fc.oneof(
      route('GET', fc.constant('/api/products'), { query: query({ limit: number, cursor: fc.uuid() }) }),
      route(
        'GET',
        idSegment().map((id) => `/api/products/${id}`),
        { query: query({ expand: weirdString }) },
      ),
    ),
  'catalog writes and uploads': () =>
    fc.oneof(
      route('POST', fc.constant('/api/products'), { body: body(productFields) }),
      route(
        'PATCH',
        idSegment().map((id) => `/api/products/${id}`),
        { body: body(productFields) },
      ),
      route(
        'POST',
        idSegment().map((id) => `/api/products/${id}/image-upload`),
        {
          body: body({ contentType: fc.constantFrom('image/png', 'image/svg+xml', 'text/html', 'image/jpeg ') }),
        },
      ),
      route(
        'DELETE',
        idSegment().map((id) => `/api/products/${id}`),
      ),
    ),
  'accounts and sessions': () =>
    fc.oneof(
      route('POST', fc.constantFrom('/api/auth/register', '/api/auth/login'), { body: body(credentials) }),
      route('GET', fc.constant('/api/auth/me'), { query: query({}) }),
      route('PUT', fc.constant('/api/auth/me'), { body: body(credentials) }),
      // Only anonymously: a logged-in caller logging out would lose its session for the runs that follow.
      route('POST', fc.constant('/api/auth/logout'), { body: body({}) }).map((r) => ({
        ...r,
        caller: 'anonymous' as const,
      })),
    ),
  cart: () =>
    fc.oneof(
      route('GET', fc.constant('/api/cart'), { query: query({ productId: fc.uuid() }) }),
      route(
        'PUT',
        idSegment().map((id) => `/api/cart/items/${id}`),
        {
          body: body({
            quantity: fc.integer({ min: -5, max: 120 }),
            unitPriceCents: fc.integer(),
            productId: fc.uuid(),
          }),
        },
      ),
      route(
        'DELETE',
        idSegment().map((id) => `/api/cart/items/${id}`),
        { body: body({}) },
      ),
    ),
  orders: () =>
    fc.oneof(
      route('POST', fc.constant('/api/orders'), { body: body({ items: anyJson, totalCents: number }) }),
      route('GET', fc.constant('/api/orders'), { query: query({ limit: number, userId: fc.uuid() }) }),
      route(
        'GET',
        idSegment().map((id) => `/api/orders/${id}`),
      ),
    ),
};

async function send(req: FuzzRequest) {
  const headers: Record<string, string> = { ...req.headers };
  if (req.body?.type) headers['content-type'] = req.body.type;
  return callers[req.caller].request({ method: req.method, url: req.url, payload: req.body?.payload, headers });
}

describe('every route, any input', () => {
  for (const [family, requests] of Object.entries(families)) {
    it(`${family}: never a 5xx; every 4xx has the error shape and changes nothing`, async () => {
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(requests(), async (req) => {
          const [dbBefore, redisBefore] = await Promise.all([snapshotDatabase(ctx.db), snapshotRedis()]);
          const res = await send(req);
          seen.add(res.statusCode);
          expect(res.statusCode, res.body).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type']).toMatch(/^application\/json/);
            expect(res.json()).toEqual(
              expect.objectContaining({
                statusCode: res.statusCode,
                error: expect.any(String),
                message: expect.any(String),
              }),
            );
            expect(await snapshotDatabase(ctx.db), 'the database changed on a rejected request').toBe(dbBefore);
            expect(await snapshotRedis(), 'Redis changed on a rejected request').toBe(redisBefore);
          }
        }),
        { numRuns: NUM_RUNS, seed: SEED, endOnFailure: false, interruptAfterTimeLimit: 20_000 },
      );
      if (process.env.FC_STATS) console.info(family, [...seen].sort());
    }, 60_000);
  }
});
