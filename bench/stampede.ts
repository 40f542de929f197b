// The stampede: `concurrency` requests for one cold cache key, all in flight at once, while every products query
// is made slow from outside (slow-query.ts). With single-flight the service should send ONE query for the key.
// The key is a list page (a `limit` no other scenario uses): Prisma itself batches concurrent findUnique calls
// into one query, so a by-id stampede would look collapsed even without single-flight.
import { Pool } from 'undici';
import { scrape, total } from './metrics.js';
import { withSlowProducts } from './slow-query.js';

export interface StampedeResult {
  name: string;
  requests: number;
  ok: number;
  errors: number;
  /** Answers per HTTP status (0 = no answer). */
  statuses: Record<string, number>;
  /** Statements the service counted (edgecart_db_queries_total delta) for the one key. */
  serviceQueries: number;
  /** Queries that reached the slow view in PostgreSQL (independent count). */
  databaseQueries: number;
  cacheMisses: number;
  p50Ms: number;
  p99Ms: number;
  wallMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function stampede(opts: {
  name: string;
  baseUrl: string;
  /** Where the service's /metrics is (its internal listener). */
  metricsUrl: string;
  databaseUrl: string;
  /** A catalog path whose cache key is cold, e.g. /api/products?limit=7. */
  path: string;
  concurrency: number;
  slowQueryMs: number;
}): Promise<StampedeResult> {
  const pool = new Pool(opts.baseUrl, { connections: opts.concurrency, pipelining: 1 });
  try {
    // Open every connection first, so the stampede's requests arrive together rather than at connect speed.
    await Promise.all(
      Array.from({ length: opts.concurrency }, () =>
        pool.request({ path: '/health', method: 'GET' }).then((r) => r.body.dump()),
      ),
    );
    const before = await scrape(opts.metricsUrl);
    const started = performance.now();
    const { result: answers, queries } = await withSlowProducts(opts.databaseUrl, opts.slowQueryMs, () =>
      Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          const t0 = performance.now();
          try {
            const res = await pool.request({ path: opts.path, method: 'GET' });
            await res.body.dump();
            return { status: res.statusCode, ms: performance.now() - t0 };
          } catch {
            return { status: 0, ms: performance.now() - t0 };
          }
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const after = await scrape(opts.metricsUrl);
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const ok = answers.filter((a) => a.status === 200).length;
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    return {
      name: opts.name,
      requests: answers.length,
      ok,
      errors: answers.length - ok,
      statuses,
      serviceQueries: total(after, 'edgecart_db_queries_total') - total(before, 'edgecart_db_queries_total'),
      databaseQueries: queries,
      cacheMisses:
        total(after, 'edgecart_cache_requests_total', { result: 'miss' }) -
        total(before, 'edgecart_cache_requests_total', { result: 'miss' }),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      wallMs,
    };
  } finally {
    await pool.close();
  }
}
