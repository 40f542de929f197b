// The rendered user data of every regional stack.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { createTestPki, startTlsPostgres } from '../../../service/test/helpers/tls-postgres.js';
import { SERVICE_BODY_LIMIT_BYTES } from '../../limits.js';
import { ACCOUNT_ID } from '../mocks.js';
import type { ProgramRun } from '../program.js';
import { bucketOf, GLOBAL_WRITER_ENDPOINT, PRIMARY, STACK_OF } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

function userDataOf(run: ProgramRun, region: string): string {
  const lt = byName(run, T.lt, region, 'service-lt');
  return Buffer.from(String(lt.inputs.userData), 'base64').toString('utf8');
}

/** The container environment the script writes (names only, in order). */
function containerEnvNames(script: string): string[] {
  const block = /\{\n([\s\S]*?)\n\} >"\$\{CONF_DIR\}\/service\.env"/.exec(script)?.[1];
  if (!block) throw new Error('no service.env block in the user data');
  return [...block.matchAll(/echo ['"]([A-Z_]+)=/g)].map((m) => m[1]!);
}

/**
 * The database URLs the script writes, expanded by bash with test values: the real CA file replaced by a test CA,
 * the host by a local stand-in of Aurora.
 */
function databaseUrls(script: string, values: { caFile: string; host: string; port: number }): string[] {
  const lines = script
    .split('\n')
    .filter((l) => /^db_tls=/.test(l) || /^\s*echo "DATABASE(_READ)?_URL=/.test(l))
    .map((l) => l.trim());
  const prelude = [
    `CA_FILE_IN_CONTAINER=${values.caFile}`,
    'db_auth=edgecart:secret',
    `DB_HOST=${values.host}`,
    `DB_READER_HOST=${values.host}`,
    `DB_PORT=${values.port}`,
    'DB_NAME=edgecart',
  ];
  const out = execFileSync('bash', ['-c', [...prelude, ...lines].join('\n')], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.replace(/^DATABASE(_READ)?_URL=/, ''));
}

/** Whether node-postgres, given `url`, completes a TLS handshake with `server` (then it fails on the fake reply). */
async function handshakes(url: string, server: { handshakes(): number }): Promise<{ ok: boolean; error: string }> {
  const before = server.handshakes();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  const error = await client.connect().then(
    () => '',
    (e: Error) => e.message,
  );
  await client.end().catch(() => {});
  return { ok: server.handshakes() === before + 1, error };
}

eachRegion((region, run) => {
  describe('user data', () => {
    it('pulls the image by digest from this region’s ECR replica and reads secrets at boot, not from the template', () => {
      const script = userDataOf(run(), region);
      expect(script).toContain(
        `readonly IMAGE='${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/edgecart-global/service@sha256:${'ab'.repeat(32)}'`,
      );
      expect(script).toContain('retry 30 10 docker pull "$IMAGE"');
      // Issue #19: every region, primary or not, writes through its own reader endpoint (local write forwarding
      // while primary, global while secondary): never the global writer endpoint, which after a switchover leads
      // into another region's VPC, and never its own cluster endpoint, which a secondary does not resolve.
      expect(script).toContain(`readonly DB_HOST='${region}-aurora.cluster-ro-c0ffee.${region}.rds.amazonaws.com'`);
      expect(script).not.toContain(`.cluster-c0ffee.`);
      expect(script).not.toMatch(/readonly DB(_READER)?_HOST='[^']*\.global\.rds\.amazonaws\.com'/);
      // Only migrations (DDL, which forwarding refuses) go to the writer, through the global writer endpoint:
      // they run only in the primary region, where it leads to the region's own writer.
      expect(script).toContain(`readonly DB_MIGRATION_HOST='${GLOBAL_WRITER_ENDPOINT}'`);
      expect(script).toContain(
        `readonly DB_READER_HOST='${region}-aurora.cluster-ro-c0ffee.${region}.rds.amazonaws.com'`,
      );
      expect(script).toContain("readonly DB_SECRET_ID='edgecart-global/database/master'");
      expect(script).toContain('--log-driver awslogs');
      expect(script).not.toMatch(/@@[A-Z_]+@@/);
      for (const secret of ['mock-master-password', 'p'.repeat(64), 'origin-secret-value']) {
        expect(script).not.toContain(secret);
      }
    });

    it('gives the container the environment API.md lists, with migrations only in the primary', () => {
      const expected = [
        'NODE_ENV',
        'HOST',
        'PORT',
        'INTERNAL_PORT',
        'REGION',
        'DATABASE_URL',
        'DATABASE_READ_URL',
        'REDIS_URL',
        'REDIS_KEY_PREFIX',
        'SESSION_SECRET',
        'CACHE_TTL_SECONDS',
        'RATE_LIMIT_MAX',
        'BODY_LIMIT_BYTES',
        'READINESS_METRIC_NAMESPACE',
        'ASSETS_BUCKET',
        'ASSETS_BUCKET_REGION',
        'ASSETS_BASE_URL',
        'LOG_LEVEL',
        'TRUST_PROXY_HOPS',
        'DRAIN_DELAY_MS',
        'SHUTDOWN_GRACE_MS',
        'RUN_MIGRATIONS',
        'MIGRATION_DATABASE_URL',
      ];
      const script = userDataOf(run(), region);
      expect(containerEnvNames(script)).toEqual(expected);
      expect(script).toContain(`readonly RUN_MIGRATIONS='${region === PRIMARY ? 'true' : 'false'}'`);
      // CloudFront then the ALB: the client IP (rate limiting) is the third address from the right.
      expect(script).toContain("echo 'TRUST_PROXY_HOPS=2'");
      // Uploads from every region land in the primary's bucket, which replicates to the others.
      expect(script).toContain(`readonly ASSETS_BUCKET='${bucketOf(PRIMARY)}'`);
      // The service's body limit is the number the web ACL is built from (issue #10 item 11).
      expect(script).toContain(`readonly BODY_LIMIT_BYTES='${SERVICE_BODY_LIMIT_BYTES}'`);
      expect(script).toContain(`readonly ASSETS_BUCKET_REGION='${PRIMARY}'`);
      expect(script).toContain("readonly ASSETS_BASE_URL='https://shop.example.com/assets'");
      expect(script).toContain(
        `readonly REDIS_HOST='master.edgecart-${STACK_OF[region]}.c0ffee.${region}.cache.amazonaws.com'`,
      );
    });

    // Issue #20 item 5: whatever names Aurora's certificate carries behind the global writer endpoint, the service
    // connects, and it still authenticates the server: the chain must end at the RDS CA bundle (sslrootcert), the
    // host name is not compared (verify-ca with libpq semantics in pg-connection-string).
    it('connects node-postgres with the RDS CA verified and the host name not checked', async () => {
      const certificateName = `edgecart-1.c0ffee.${region}.rds.amazonaws.com`;
      const pki = createTestPki(certificateName);
      const genuine = await startTlsPostgres(pki.serverCert, pki.serverKey);
      const impostor = await startTlsPostgres(pki.rogueCert, pki.rogueKey);
      try {
        const script = userDataOf(run(), region);
        const [writer, reader] = databaseUrls(script, { caFile: pki.caFile, host: 'localhost', port: genuine.port });
        expect(reader).toBe(writer);
        const ssl = parseConnectionString(writer!).ssl as import('node:tls').ConnectionOptions;
        expect(ssl.rejectUnauthorized).not.toBe(false);
        expect(ssl.ca).toBe(readFileSync(pki.caFile, 'utf8'));
        // The name connected to ('localhost') is not the certificate's, and it is accepted.
        expect(await handshakes(writer!, genuine)).toMatchObject({ ok: true });
        // A certificate for the same name from any other CA is refused.
        const [toImpostor] = databaseUrls(script, { caFile: pki.caFile, host: 'localhost', port: impostor.port });
        const refused = await handshakes(toImpostor!, impostor);
        expect(refused.ok).toBe(false);
        expect(refused.error).toMatch(/self[- ]signed|unable to (get|verify)/i);
      } finally {
        await Promise.all([genuine.close(), impostor.close()]);
        pki.cleanup();
      }
    });

    // Never skipped: `npm test`'s pretest step installs shellcheck (scripts/ensure-prerequisites.sh).
    it('is clean under shellcheck once rendered', () => {
      expect(spawnSync('shellcheck', ['--version']).status, 'shellcheck is needed: npm test installs it').toBe(0);
      const dir = mkdtempSync(join(tmpdir(), 'edgecart-user-data-'));
      try {
        const file = join(dir, `${region}.sh`);
        writeFileSync(file, userDataOf(run(), region));
        execFileSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
