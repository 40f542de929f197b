// Runs once before the service tests: checks PostgreSQL and Redis answer, and builds a template database
// with every migration applied. Each test file then clones it (CREATE DATABASE … TEMPLATE), which takes
// milliseconds, so files run in parallel on databases of their own.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { applyMigrations, dropDatabase, ensureDatabase, listMigrations } from '../../prisma/migrate.js';
import { ADMIN_URL, REDIS_URL, withDatabase } from './helpers/env.js';

export default async function setup({ provide }: { provide: (key: 'templateDatabase', value: string) => void }) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is not answering at ${ADMIN_URL} (${err.message}); start it or set TEST_DATABASE_URL`);
  });
  await admin.end();
  const redis = createClient({ url: REDIS_URL, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  redis.on('error', () => {});
  await redis.connect().catch((err: Error) => {
    throw new Error(`Redis is not answering at ${REDIS_URL} (${err.message}); start it or set TEST_REDIS_URL`);
  });
  await redis.close();

  // The template's name follows the migrations' content, so a changed migration gets a fresh template.
  const migrations = await listMigrations();
  const digest = createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 12);
  const template = `edgecart_test_tpl_${digest}`;
  const url = withDatabase(template);
  if (await ensureDatabase(url)) {
    try {
      await applyMigrations(url);
    } catch (err) {
      await dropDatabase(url);
      throw err;
    }
  }
  provide('templateDatabase', template);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
