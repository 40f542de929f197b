// Prometheus metrics owned by the service itself (the request-duration histogram and the default process metrics
// are registered by plugins/metrics.ts). One registry per app instance, so tests can run several apps in one process.
import { Counter, Gauge, Registry } from 'prom-client';

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function createMetrics(region: string) {
  const registry = new Registry();
  // Every series carries the region, so one Grafana dashboard compares Mumbai and London.
  registry.setDefaultLabels({ region });
  const pools = new Map<string, PoolStats>();
  let cacheUsage: (() => { entries: number; bytes: number }) | undefined;
  return {
    registry,
    cacheRequests: new Counter({
      name: 'edgecart_cache_requests_total',
      help: 'Catalog cache lookups by result (hit, miss, error = Redis unavailable, served from the database)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    dbQueries: new Counter({
      name: 'edgecart_db_queries_total',
      help: 'SQL statements sent to PostgreSQL, by pool',
      labelNames: ['pool'] as const,
      registers: [registry],
    }),
    dbPool: new Gauge({
      name: 'edgecart_db_pool_connections',
      help: 'Connections of each PostgreSQL pool by state (total, idle, waiting = requests queued for one)',
      labelNames: ['pool', 'state'] as const,
      registers: [registry],
      collect() {
        for (const [pool, stats] of pools) {
          this.set({ pool, state: 'total' }, stats.totalCount);
          this.set({ pool, state: 'idle' }, stats.idleCount);
          this.set({ pool, state: 'waiting' }, stats.waitingCount);
        }
      },
    }),
    cacheL1: new Gauge({
      name: 'edgecart_cache_l1',
      help: "The catalog cache's in-process L1: entries, and their estimated bytes (kept within CACHE_L1_MAX_BYTES)",
      labelNames: ['measure'] as const,
      registers: [registry],
      collect() {
        const usage = cacheUsage?.();
        if (!usage) return;
        this.set({ measure: 'entries' }, usage.entries);
        this.set({ measure: 'bytes' }, usage.bytes);
      },
    }),
    /** Lets the cache report its L1's size at scrape time. */
    watchCache(usage: () => { entries: number; bytes: number }) {
      cacheUsage = usage;
    },
    /** Lets the database module report a pool's live counts at scrape time. */
    watchPool(name: string, pool: PoolStats) {
      pools.set(name, pool);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
