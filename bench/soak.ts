// The soak (issue #6): a bounded mixed shopper workload against one service process. Each autocannon connection
// plays logged-in shoppers journey after journey — browse pages, view products, fill and edit a cart, check out —
// and the process's RSS is sampled every second. After a warm-up (JIT, caches, pools), RSS may grow at most 20 %
// from the start to the end of the measured window; start and end are medians of the first and last 5 samples,
// so one GC cycle's sawtooth does not decide the verdict.
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import type { Child } from './child.js';
import { ALB_HEADERS, type Measurement, measure } from './measure.js';

export interface SoakResult {
  measurement: Measurement;
  durationSec: number;
  errorRate: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssMaxBytes: number;
  /** VmHWM of the soak's service process at the end (set by the bench, not by soak()). */
  peakRssBytes?: number;
  rssGrowth: number;
  pass: boolean;
}

export const SOAK_MAX_RSS_GROWTH = 0.2;

interface Shopper {
  cookie: string;
}

interface JourneyContext {
  shopper?: Shopper;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** One shopper journey; the first request takes a shopper nobody else is using, the last one gives it back. */
export function journey(shopperCookies: string[], productIds: string[], cursors: string[]): autocannon.Request[] {
  const free: Shopper[] = shopperCookies.map((cookie) => ({ cookie }));
  const headers = (ctx: JourneyContext, json = false): Record<string, string> => ({
    ...ALB_HEADERS,
    cookie: ctx.shopper!.cookie,
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  const get =
    (path: () => string) =>
    (req: autocannon.Request, ctx: object): autocannon.Request => ({
      ...req,
      method: 'GET',
      path: path(),
      headers: headers(ctx as JourneyContext),
      body: undefined,
    });
  const list = get(
    () => `/api/products?limit=20${Math.random() < 0.3 ? '' : `&cursor=${encodeURIComponent(pick(cursors))}`}`,
  );
  const product = get(() => `/api/products/${pick(productIds)}`);
  const addToCart = (req: autocannon.Request, ctx: object): autocannon.Request => ({
    ...req,
    method: 'PUT',
    path: `/api/cart/items/${pick(productIds)}`,
    headers: headers(ctx as JourneyContext, true),
    body: JSON.stringify({ quantity: 1 + Math.floor(Math.random() * 3) }),
  });
  const start = (req: autocannon.Request, ctx: object): autocannon.Request => {
    const c = ctx as JourneyContext;
    c.shopper = free.pop();
    if (c.shopper === undefined) throw new Error('soak: more connections than shoppers');
    return list(req, ctx);
  };
  const finish = (_status: number, _body: string, ctx: object) => {
    const c = ctx as JourneyContext;
    if (c.shopper) free.push(c.shopper);
    c.shopper = undefined;
  };
  const checkout = (req: autocannon.Request, ctx: object): autocannon.Request => ({
    ...req,
    method: 'POST',
    path: '/api/orders',
    headers: { ...headers(ctx as JourneyContext, true), 'idempotency-key': randomUUID() },
    body: '{}',
  });
  return [
    { setupRequest: start },
    { setupRequest: product },
    { setupRequest: product },
    { setupRequest: addToCart },
    { setupRequest: list },
    { setupRequest: product },
    { setupRequest: addToCart },
    { setupRequest: get(() => '/api/cart') },
    { setupRequest: product },
    { setupRequest: list },
    { setupRequest: product },
    { setupRequest: addToCart },
    { setupRequest: get(() => '/api/cart') },
    { setupRequest: checkout },
    { setupRequest: product },
    { setupRequest: list },
    { setupRequest: get(() => '/api/auth/me'), onResponse: finish },
  ];
}

export async function soak(opts: {
  service: Child;
  shopperCookies: string[];
  productIds: string[];
  cursors: string[];
  connections: number;
  warmupSec: number;
  durationSec: number;
}): Promise<SoakResult> {
  // A fresh journey per run: a run that stops mid-journey never hands its shoppers back.
  const base = () => ({
    url: opts.service.url,
    connections: opts.connections,
    requests: journey(opts.shopperCookies, opts.productIds, opts.cursors),
    warmupSec: 0,
  });
  await measure({ ...base(), name: 'soak warm-up', durationSec: opts.warmupSec });
  const samples: number[] = [await opts.service.rssBytes()];
  const sampler = setInterval(() => {
    opts.service.rssBytes().then(
      (b) => samples.push(b),
      () => {},
    );
  }, 1000);
  let measurement: Measurement;
  try {
    measurement = await measure({ ...base(), name: 'soak (mixed shopper journeys)', durationSec: opts.durationSec });
  } finally {
    clearInterval(sampler);
  }
  opts.service.assertAlive();
  samples.push(await opts.service.rssBytes());
  const rssStartBytes = median(samples.slice(0, 5));
  const rssEndBytes = median(samples.slice(-5));
  const rssGrowth = rssEndBytes / rssStartBytes - 1;
  const errorRate = measurement.requests > 0 ? measurement.errors / measurement.requests : 1;
  return {
    measurement,
    durationSec: opts.durationSec,
    errorRate,
    rssStartBytes,
    rssEndBytes,
    rssMaxBytes: Math.max(...samples),
    rssGrowth,
    pass: rssGrowth <= SOAK_MAX_RSS_GROWTH && errorRate === 0,
  };
}
