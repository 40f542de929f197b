// The image's entrypoint: migrations only when RUN_MIGRATIONS=true (the primary region), through migrate.mjs
// (its TLS handling: migrate-tls.test.ts); then it execs the server command.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const ENTRYPOINT = fileURLToPath(new URL('../docker-entrypoint.sh', import.meta.url));
const MIGRATE_SCRIPT = fileURLToPath(new URL('../migrate.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
const fakePrisma = join(dir, 'prisma');
writeFileSync(fakePrisma, '#!/bin/sh\necho "prisma $* with $DATABASE_URL"\n');
chmodSync(fakePrisma, 0o755);

function run(env: Record<string, string>) {
  // spawnSync: the entrypoint's node child must not wait on this test's own event loop.
  const result = spawnSync('sh', [ENTRYPOINT, 'echo', 'server started'], {
    env: { PATH: process.env.PATH ?? '', PRISMA_BIN: fakePrisma, MIGRATE_SCRIPT, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe('docker-entrypoint.sh', () => {
  it('starts the server without migrating when RUN_MIGRATIONS is not true (secondary regions)', () => {
    const { status, out } = run({ DATABASE_URL: 'postgresql://u:p@h:5432/d' });
    expect(status).toBe(0);
    expect(out).not.toMatch(/prisma/);
    expect(out.trim()).toBe('server started');
  });

  it('migrates first in the primary, then starts the server', () => {
    const { status, out } = run({ RUN_MIGRATIONS: 'true', DATABASE_URL: 'postgresql://u:p@h:5432/d' });
    expect(status).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.at(-2)).toBe('prisma migrate deploy with postgresql://u:p@h:5432/d');
    expect(lines.at(-1)).toBe('server started');
  });

  it('migrates through MIGRATION_DATABASE_URL (the writer) when given, not the write-forwarding DATABASE_URL', () => {
    const { status, out } = run({
      RUN_MIGRATIONS: 'true',
      DATABASE_URL: 'postgresql://u:p@reader:5432/d',
      MIGRATION_DATABASE_URL: 'postgresql://u:p@writer:5432/d',
    });
    expect(status).toBe(0);
    expect(out).toContain('prisma migrate deploy with postgresql://u:p@writer:5432/d');
    expect(out).not.toContain('@reader:');
  });

  it('does not start the server when the migration fails', () => {
    writeFileSync(join(dir, 'failing-prisma'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
    const { status, out } = run({
      RUN_MIGRATIONS: 'true',
      DATABASE_URL: 'postgresql://u:p@h:5432/d',
      PRISMA_BIN: join(dir, 'failing-prisma'),
    });
    expect(status).not.toBe(0);
    expect(out).not.toContain('server started');
  });

  it('refuses to start when asked to migrate without a database URL', () => {
    const { status, err } = run({ RUN_MIGRATIONS: 'true' });
    expect(status).not.toBe(0);
    expect(err).toMatch(/DATABASE_URL is required/);
  });

  describe("with the region's own database (a replica of the writer)", () => {
    let db: TestDatabase;
    // A writer nobody can reach (TEST-NET-1, RFC 5737), as the global writer endpoint is from Mumbai after a
    // switchover; and a prisma that would fail if it ran.
    const UNREACHABLE_WRITER = 'postgresql://u:p@192.0.2.1:5432/d?connect_timeout=1';
    const failingPrisma = join(dir, 'prisma-must-not-run');
    writeFileSync(failingPrisma, '#!/bin/sh\necho "prisma ran"\nexit 9\n', { mode: 0o755 });
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('starts without reaching the writer when the regional endpoint has every migration of the image', () => {
      const { status, out, err } = run({
        RUN_MIGRATIONS: 'true',
        DATABASE_URL: db.url,
        MIGRATION_DATABASE_URL: UNREACHABLE_WRITER,
        PRISMA_BIN: failingPrisma,
      });
      expect(err).toContain('nothing to migrate');
      expect(out).not.toContain('prisma ran');
      expect(status).toBe(0);
      expect(out.trim().split('\n').at(-1)).toBe('server started');
    });

    it('migrates through the writer when the regional endpoint lacks one of them', async () => {
      const { rows } = await db.pool.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1',
      );
      await db.pool.query('DELETE FROM "_prisma_migrations" WHERE migration_name = $1', [rows[0]!.migration_name]);
      const { status, out, err } = run({
        RUN_MIGRATIONS: 'true',
        DATABASE_URL: db.url,
        MIGRATION_DATABASE_URL: 'postgresql://u:p@writer:5432/d',
      });
      expect(err).toContain(`pending: ${rows[0]!.migration_name}`);
      expect(status).toBe(0);
      expect(out).toContain('prisma migrate deploy with postgresql://u:p@writer:5432/d');
    });

    it('does not start a release whose migration cannot reach the writer', async () => {
      const { status, out } = run({
        RUN_MIGRATIONS: 'true',
        DATABASE_URL: db.url,
        MIGRATION_DATABASE_URL: UNREACHABLE_WRITER,
        PRISMA_BIN: failingPrisma,
      });
      expect(out).toContain('prisma ran');
      expect(status).not.toBe(0);
      expect(out).not.toContain('server started');
    });
  });
});
