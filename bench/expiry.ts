// Seed 003's workload: a catalog query that takes 5 s behind a 10 s cache TTL, 50 connections for 25 s on one
// list page, measured after the first fill (and a 2 s warm-up, as every scenario of the bench has). Without stale-while-revalidate every expiry makes the requests that
// arrive during the reload wait the full 5 s; with it, no request waits and each expiry costs one slow query per
// instance. Every products query is slowed from outside the service (slow-query.ts), so the slow queries are
// counted by PostgreSQL itself.
import autocannon from 'autocannon';
import { ALB_HEADERS } from './measure.js';
import { withSlowProducts } from './slow-query.js';

export interface ExpiryResult {
  slowQueryMs: number;
  ttlSeconds: number;
  connections: number;
  durationSec: number;
  /** The first fill (not measured): how long the one cold request waited. */
  fillMs: number;
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** Slow queries that reached PostgreSQL during the measured run (after the fill). */
  slowQueries: number;
  /** Soft expiries the measured window could contain at most (one every TTL × 0.9, the shortest jitter). */
  maxExpiries: number;
  /**
   * The control: the same load on the same instance right after, with the query fast again. On a shared machine
   * the longest request is often a scheduling or GC pause; the control shows what this machine does without any
   * slow query at all.
   */
  control: { p99Ms: number; maxMs: number; errors: number };
}

export async function expiryUnderLoad(opts: {
  baseUrl: string;
  databaseUrl: string;
  /** A list page no other scenario touches, so its first fill happens here. */
  path: string;
  slowQueryMs: number;
  ttlSeconds: number;
  connections: number;
  durationSec: number;
}): Promise<ExpiryResult> {
  // The measured load, the same for the run behind the slow query and for the control run after it.
  const load = {
    url: opts.baseUrl + opts.path,
    connections: opts.connections,
    duration: opts.durationSec,
    pipelining: 1,
    headers: ALB_HEADERS,
    timeout: 10,
  };
  const { result } = await withSlowProducts(opts.databaseUrl, opts.slowQueryMs, async (queries) => {
    const t0 = performance.now();
    const fill = await fetch(opts.baseUrl + opts.path);
    if (fill.status !== 200) throw new Error(`first fill of ${opts.path} answered ${fill.status}`);
    await fill.arrayBuffer();
    const fillMs = performance.now() - t0;
    // The same short warm-up as every other scenario (JIT, connections), not measured.
    await autocannon({ url: load.url, connections: load.connections, duration: 2, headers: ALB_HEADERS });
    const before = await queries();
    const r = await autocannon(load);
    return { fillMs, r, slowQueries: (await queries()) - before };
  });
  const { r } = result;
  const control = await autocannon(load);
  return {
    slowQueryMs: opts.slowQueryMs,
    ttlSeconds: opts.ttlSeconds,
    connections: opts.connections,
    durationSec: opts.durationSec,
    fillMs: result.fillMs,
    requests: r.requests.total,
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors + r.non2xx,
    slowQueries: result.slowQueries,
    maxExpiries: Math.ceil(opts.durationSec / (opts.ttlSeconds * 0.9)),
    control: { p99Ms: control.latency.p99, maxMs: control.latency.max, errors: control.errors + control.non2xx },
  };
}
