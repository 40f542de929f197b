// The image's entrypoint: migrations only when RUN_MIGRATIONS=true (the primary region), with the database
// URL spelled the way Prisma's schema engine understands TLS verification; then it execs the server command.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRYPOINT = fileURLToPath(new URL('../docker-entrypoint.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
const fakePrisma = join(dir, 'prisma');
writeFileSync(fakePrisma, '#!/bin/sh\necho "prisma $* with $DATABASE_URL"\n');
chmodSync(fakePrisma, 0o755);

function run(env: Record<string, string>) {
  const result = spawnSync('sh', [ENTRYPOINT, 'echo', 'server started'], {
    env: { PATH: process.env.PATH ?? '', PRISMA_BIN: fakePrisma, ...env },
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

  it('migrates first in the primary, translating verify-full into Prisma TLS settings with the RDS CA', () => {
    const { status, out } = run({
      RUN_MIGRATIONS: 'true',
      DATABASE_URL: 'postgresql://u:p@h:5432/d?sslmode=verify-full',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/rds-ca.pem',
    });
    expect(status).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.at(-2)).toBe(
      'prisma migrate deploy with postgresql://u:p@h:5432/d?sslmode=require&sslcert=/etc/ssl/certs/rds-ca.pem&sslaccept=strict',
    );
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

  it('refuses to start when asked to migrate without a database URL', () => {
    const { status, err } = run({ RUN_MIGRATIONS: 'true' });
    expect(status).not.toBe(0);
    expect(err).toMatch(/DATABASE_URL is required/);
  });
});
