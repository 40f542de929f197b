// The bench's own PostgreSQL database: created fresh, migrated with the repository's migrator (the same SQL and
// bookkeeping as `prisma migrate deploy`) and seeded with a catalog big enough that list pages and ids vary.
import pg from 'pg';
import { applyMigrations, dropDatabase, ensureDatabase } from '../prisma/migrate.js';

export interface BenchDatabase {
  url: string;
  productIds: string[];
  drop(): Promise<void>;
}

/** Seeds `count` products with realistic field sizes and stock that no bench run can exhaust. */
export async function seedCatalog(client: pg.ClientBase | pg.Pool, count: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, image_url, updated_at)
     SELECT gen_random_uuid(), 'BENCH-' || lpad(n::text, 6, '0'), 'Bench product ' || n,
            repeat('A sturdy, well-made thing that shoppers like. ', 4), 100 + (n * 37) % 90000, 'INR', 10000000,
            '/assets/products/bench-' || n || '.webp', now()
       FROM generate_series(1, $1::int) AS n
     RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id);
}

export async function createBenchDatabase(serverUrl: string, name: string, products = 500): Promise<BenchDatabase> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  await dropDatabase(dbUrl);
  await ensureDatabase(dbUrl);
  await applyMigrations(dbUrl);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const productIds = await seedCatalog(client, products);
    await client.query('ANALYZE');
    return { url: dbUrl, productIds, drop: () => dropDatabase(dbUrl) };
  } finally {
    await client.end();
  }
}
