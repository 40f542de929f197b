// PostgreSQL access: a Prisma 7 client on the writer (DATABASE_URL) and one on the regional reader
// (DATABASE_READ_URL; the writer when unset). In a secondary region the writer URL is the local Aurora cluster,
// which forwards writes to the primary (global write forwarding); the reader is the local, lagging replica.
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

function createPool(url: string, name: string, options: DatabaseOptions): pg.Pool {
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
  // Repositories pick the client per read (read-your-writes decides), so no routing extension is needed.
  const reader = replica ?? writer;
  return {
    /** The writer: every write, and the reads that must see a write just made (read-your-writes). */
    writer,
    /** Reads that may lag the writer by the replica's lag: the regional reader when DATABASE_READ_URL is set. */
    reader,
    /** The pool `reader` uses, for the hot reads written in SQL (node-postgres, no Prisma in between). */
    readerPool: readerPool ?? writerPool,
    async ping(): Promise<void> {
      await writer.$queryRawUnsafe('SELECT 1');
      if (replica) await replica.$queryRawUnsafe('SELECT 1');
    },
    async close(): Promise<void> {
      await Promise.allSettled([writer.$disconnect(), replica?.$disconnect()]);
      await Promise.allSettled([writerPool.end(), readerPool?.end()]);
    },
  };
}

export type Database = ReturnType<typeof createDatabase>;
