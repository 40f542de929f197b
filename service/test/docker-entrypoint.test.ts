// The image's entrypoint: migrations only when RUN_MIGRATIONS=true (the primary region), through migrate.mjs
// (its TLS handling: migrate-tls.test.ts); then it execs the server command.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRYPOINT = fileURLToPath(new URL('../docker-entrypoint.sh', import.meta.url));
const MIGRATE_SCRIPT = fileURLToPath(new URL('../migrate.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
const fakePrisma = join(dir, 'prisma');
writeFileSync(fakePrisma, '#!/bin/sh\necho "prisma $* with $DATABASE_URL"\n');
chmodSync(fakePrisma, 0o755);

function run(env: Record<string, string>) {
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
});
