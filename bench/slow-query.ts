// The stampede's slow query, added from outside the service: while switched on, the `products` table is replaced by
// a view over it whose every query first sleeps and bumps a sequence. The service's SQL is unchanged (Prisma
// queries "products" by name; a simple view is auto-updatable), and the sequence counts the queries that reached
// PostgreSQL independently of the service's own edgecart_db_queries_total counter.
import pg from 'pg';

export async function withSlowProducts<T>(
  databaseUrl: string,
  delayMs: number,
  /** `queries()` = slow queries so far, for a phase of the run. */
  fn: (queries: () => Promise<number>) => Promise<T>,
) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      BEGIN;
      CREATE SEQUENCE IF NOT EXISTS bench_slow_calls;
      CREATE OR REPLACE FUNCTION bench_slow() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
        BEGIN PERFORM nextval('bench_slow_calls'); PERFORM pg_sleep(${Number(delayMs) / 1000}); RETURN true; END
      $fn$;
      ALTER TABLE products RENAME TO products_base;
      CREATE VIEW products AS SELECT * FROM products_base WHERE (SELECT bench_slow());
      COMMIT;`);
    const before = await calls(client);
    try {
      const result = await fn(async () => (await calls(client)) - before);
      return { result, queries: (await calls(client)) - before };
    } finally {
      await client.query('BEGIN; DROP VIEW products; ALTER TABLE products_base RENAME TO products; COMMIT;');
    }
  } finally {
    await client.end();
  }
}

async function calls(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM bench_slow_calls',
  );
  return Number(rows[0]?.n ?? 0);
}
