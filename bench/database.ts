// The bench's own PostgreSQL database: created fresh, migrated with the repository's migration SQL (the same files
// `prisma migrate deploy` applies) and seeded with a catalog big enough that list pages and ids vary.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

const MIGRATIONS_DIR = new URL('../prisma/migrations/', import.meta.url).pathname;

export interface BenchDatabase {
  url: string;
  name: string;
  productIds: string[];
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function applyMigrations(client: pg.Client): Promise<void> {
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    await client.query(await readFile(join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8'));
  }
}

/** Seeds `count` products with realistic field sizes and stock that no bench run can exhaust. */
async function seedCatalog(client: pg.Client, count: number): Promise<string[]> {
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
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = withDatabase(serverUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let productIds: string[];
  try {
    await applyMigrations(client);
    productIds = await seedCatalog(client, products);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return {
    url,
    name,
    productIds,
    drop: () => admin(serverUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
