// PostgreSQL access. DATABASE_URL is the region's own Aurora reader endpoint in every region, with write
// forwarding: local (to the cluster's own writer) while the cluster is the primary, global (to the primary's
// writer) while it is a secondary. Its instances answer reads from their own (lagging) storage and forward
// writes, so no region needs a network path to another region's VPC, before or after a switchover
// (infra/region/index.ts, serviceWriteEndpoint). Locally it is simply the database.
// DATABASE_READ_URL is the regional reader (the writer when unset). Three clients:
// - `writer`: writes, on DATABASE_URL (session consistency: a connection reads its own forwarded writes);
// - `reader`: reads that may lag (catalog misses when the cache is off, order history), on DATABASE_READ_URL;
// - `consistent`: reads that must see every write committed anywhere before they began (a retried checkout, an
//   order just placed from another instance, a cache fill right after a write), on DATABASE_URL with
//   apg_write_forward.consistency_mode=global for its sessions. In the primary the read waits for the
//   in-region replica (milliseconds); in a secondary it waits until this region has replayed the
//   primary's commit point (one round trip to the primary, plus the replica's lag). Aurora User Guide, "Using
//   write forwarding in an Aurora PostgreSQL global database", consistency modes.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';
import type { Metrics } from './metrics.js';

export interface DatabaseOptions {
  writerUrl: string;
  readerUrl?: string;
  poolMax: number;
  metrics?: Metrics;
  /** Sent to PostgreSQL as application_name, handy in pg_stat_activity. */
  applicationName?: string;
}

// Bounded everything: a request never waits forever for a connection or a statement.
const POOL_DEFAULTS = {
  connectionTimeoutMillis: 3_000,
  idleTimeoutMillis: 30_000,
  statement_timeout: 10_000,
  query_timeout: 12_000,
  idle_in_transaction_session_timeout: 15_000,
  keepAlive: true,
} satisfies pg.PoolConfig;

/** What a session on the write-forwarding path waits for before a read (the parameter's documented values). */
export const CONSISTENT_READS = '-c apg_write_forward.consistency_mode=global';

function createPool(url: string, name: string, options: DatabaseOptions, pgOptions?: string): pg.Pool {
  const metrics = options.metrics;
  // Counting at the driver (not in Prisma) counts real statements, so "one query per key" is measurable.
  class CountingClient extends pg.Client {
    override query(...args: unknown[]): any {
      metrics?.dbQueries.inc({ pool: name });
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
  }
  const pool = new pg.Pool({
    ...POOL_DEFAULTS,
    connectionString: url,
    max: options.poolMax,
    application_name: options.applicationName ?? 'edgecart',
    ...(pgOptions ? { options: pgOptions } : {}),
    Client: CountingClient,
  });
  // An idle client losing its connection emits here; without a listener it would crash the process.
  pool.on('error', () => {});
  metrics?.watchPool(name, pool);
  return pool;
}

function createClient(pool: pg.Pool) {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export function createDatabase(options: DatabaseOptions) {
  const writerPool = createPool(options.writerUrl, 'writer', options);
  const writer = createClient(writerPool);
  const readerPool = options.readerUrl ? createPool(options.readerUrl, 'reader', options) : undefined;
  const replica = readerPool ? createClient(readerPool) : undefined;
  // Opened on first use: in the primary region and in tests it is rarely needed.
  const consistentPool = createPool(options.writerUrl, 'consistent', options, CONSISTENT_READS);
  const consistent = createClient(consistentPool);
  // Repositories pick the client per read, so no routing extension is needed.
  const reader = replica ?? writer;
  return {
    /** Every write. */
    writer,
    /** The pool `writer` uses, for the checkout transaction written in SQL. */
    writerPool,
    /** Reads that may lag the writer by the replica's lag: the regional reader when DATABASE_READ_URL is set. */
    reader,
    /** The pool `reader` uses, for the hot reads written in SQL (node-postgres, no Prisma in between). */
    readerPool: readerPool ?? writerPool,
    /** Reads that see every write committed (anywhere) before they began. */
    consistent,
    consistentPool,
    /**
     * Readiness of the paths the app uses: a statement that is really forwarded takes the path writes take (an
     * UPDATE is DML, which Aurora forwards from a secondary; it matches no row and writes nothing), and the
     * reader answers. `SELECT 1` would not do: Aurora answers it locally, so a region whose path to the primary
     * is dead would still look ready.
     */
    async ping(): Promise<void> {
      await writerPool.query('UPDATE products SET stock = stock WHERE false');
      if (readerPool) await readerPool.query('SELECT 1');
    },
    async close(): Promise<void> {
      await Promise.allSettled([writer.$disconnect(), replica?.$disconnect(), consistent.$disconnect()]);
      await Promise.allSettled([writerPool.end(), readerPool?.end(), consistentPool.end()]);
    },
  };
}

export type Database = ReturnType<typeof createDatabase>;
