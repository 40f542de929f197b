// Builds the real app against this file's own database and Redis key prefix, with helpers for fixtures.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import { buildApp } from '../../src/app.js';
import { loadConfig, type ServiceConfig } from '../../src/config.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { REDIS_URL } from './env.js';

export interface TestContext {
  app: FastifyInstance;
  config: ServiceConfig;
  db: TestDatabase;
  prefix: string;
  /** Builds one more app instance on the same database and Redis prefix (a second "instance"). */
  anotherApp(env?: Record<string, string>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export function testConfig(db: TestDatabase, prefix: string, env: Record<string, string> = {}): ServiceConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    REGION: 'test-region-1',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
    // Purchase caps as loose as they go, like the rate limits; purchase-limits.test.ts sets its own.
    ORDER_MAX_UNITS_PER_PRODUCT: '99',
    CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY: '0',
    // Internal endpoints on the main port (inject reaches them), unless a test asks for the internal listener;
    // production requires one.
    INTERNAL_PORT: env.NODE_ENV === 'production' ? '9100' : '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

/** Deletes every Redis key under `prefix`. */
export async function clearRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = createClient({ url });
  redis.on('error', () => {});
  await redis.connect();
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await redis.del(keys);
    }
  } finally {
    await redis.close();
  }
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const db = await createTestDatabase();
  const prefix = `edgecart-test:${randomBytes(5).toString('hex')}:`;
  const config = testConfig(db, prefix, env);
  const apps: FastifyInstance[] = [];
  const make = async (extra: Record<string, string> = {}) => {
    const app = await buildApp(testConfig(db, prefix, { ...env, ...extra }), {
      logger: process.env.TEST_LOG_LEVEL ? undefined : false,
    });
    apps.push(app);
    await app.ready();
    return app;
  };
  const app = await make();
  return {
    app,
    config,
    db,
    prefix,
    anotherApp: make,
    async close() {
      await Promise.allSettled(apps.map((a) => a.close()));
      await clearRedisPrefix(prefix);
      await db.drop();
    },
  };
}

export interface ProductFixture {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

let skuCounter = 0;
/** Inserts a product directly in the database (bypassing the API and its cache). */
export async function insertProduct(
  db: TestDatabase,
  fields: Partial<Omit<ProductFixture, 'id'>> & { currency?: string } = {},
): Promise<ProductFixture> {
  const sku = fields.sku ?? `T-${process.pid}-${++skuCounter}`;
  const { rows } = await db.pool.query<ProductFixture>(
    `INSERT INTO products (id, sku, name, description, price_cents, currency, stock, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 'A test product', $3, $4, $5, now())
     RETURNING id, sku, name, price_cents AS "priceCents", stock`,
    [sku, fields.name ?? `Product ${sku}`, fields.priceCents ?? 1000, fields.currency ?? 'INR', fields.stock ?? 10],
  );
  return rows[0]!;
}

/** Inserts a user with a known password; role admin or customer. */
export async function insertUser(db: TestDatabase, email: string, password: string, role: 'admin' | 'customer') {
  const hash = await hashPassword(password);
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO users (id, email, password_hash, role) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id`,
    [email, hash, role],
  );
  return rows[0]!.id;
}

/** Snapshot of everything a request could change, to prove a rejected request changed nothing. */
export async function snapshotDatabase(db: TestDatabase): Promise<string> {
  const tables = ['users', 'products', 'orders', 'order_items'];
  const parts = await Promise.all(
    tables.map((t) => db.pool.query(`SELECT * FROM ${t} ORDER BY 1`).then((r) => JSON.stringify(r.rows))),
  );
  return parts.join('\n');
}
