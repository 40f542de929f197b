// A database of this test file's own, cloned from the migrated template, dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { dropDatabase } from '../../../prisma/migrate.js';
import { ADMIN_URL, withDatabase } from './env.js';

export interface TestDatabase {
  url: string;
  name: string;
  /** A plain pg pool for assertions and fixtures (not the app's pool). */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `edgecart_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDatabase')}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(name);
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'edgecart-test-fixtures' });
  // DROP DATABASE … WITH (FORCE) at the end terminates any connection still open; that is expected.
  pool.on('error', () => {});
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(url);
    },
  };
}
