// service/migrate.mjs: Prisma's migrations reach the database through a TLS hop that verifies the server the way
// the service does (verify-ca against the RDS CA, any host name), because Prisma's schema engine cannot verify a
// CA without the host name (issue #20 item 5). The database here is a TLS stand-in whose certificate names
// another host than the one connected to: what an operator must expect behind Aurora's global writer endpoint.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, startTlsPostgres, type TestPki, type TlsPostgres } from './helpers/tls-postgres.js';

const MIGRATE = fileURLToPath(new URL('../migrate.mjs', import.meta.url));
// The certificate names the instance, the client connects by another name (the global writer endpoint's).
const CERTIFICATE_NAME = 'edgecart-1.c0ffee.ap-south-1.rds.amazonaws.com';

let pki: TestPki;
let fakePrisma: string;
let genuine: TlsPostgres;
let impostor: TlsPostgres;

beforeAll(async () => {
  pki = createTestPki(CERTIFICATE_NAME);
  // Stands in for `prisma migrate deploy`: connects where DATABASE_URL says, in plain PostgreSQL, and reports
  // what came back (exit 3 when the connection was closed on it).
  fakePrisma = join(pki.dir, 'prisma.mjs');
  writeFileSync(
    fakePrisma,
    `#!/usr/bin/env node
import net from 'node:net';
const url = new URL(process.env.DATABASE_URL);
console.log('url ' + url.toString());
const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => socket.write('startup'));
socket.on('data', (d) => { console.log('answer ' + d.toString()); process.exit(0); });
socket.on('error', () => process.exit(3));
socket.on('close', () => process.exit(3));
`,
    { mode: 0o755 },
  );
  genuine = await startTlsPostgres(pki.serverCert, pki.serverKey);
  impostor = await startTlsPostgres(pki.rogueCert, pki.rogueKey);
});

afterAll(async () => {
  await Promise.all([genuine?.close(), impostor?.close()]);
  pki?.cleanup();
});

function migrate(databaseUrl: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MIGRATE], {
      env: { PATH: process.env.PATH ?? '', PRISMA_BIN: fakePrisma, DATABASE_URL: databaseUrl },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

const urlOf = (port: number, tls: string) => `postgresql://edgecart:s%40cret@localhost:${port}/edgecart?${tls}`;
const verifyCa = (caFile: string) => `sslmode=verify-ca&uselibpqcompat=true&sslrootcert=${caFile}`;

describe('migrate.mjs', () => {
  it('migrates through a server whose certificate chains to the trusted CA, whatever name it carries', async () => {
    const before = genuine.handshakes();
    const { status, out, err } = await migrate(urlOf(genuine.port, verifyCa(pki.caFile)));
    expect(err).toBe('');
    expect(status).toBe(0);
    // Prisma got the server's answer, relayed from inside the TLS session.
    expect(out).toContain('answer pong:startup');
    expect(genuine.handshakes()).toBe(before + 1);
    // Prisma itself speaks plain PostgreSQL to the local hop, with the same credentials and database.
    const url = new URL(/^url (.*)$/m.exec(out)![1]!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(`${url.username}:${url.password}${url.pathname}`).toBe('edgecart:s%40cret/edgecart');
    expect([...url.searchParams]).toEqual([['sslmode', 'disable']]);
  });

  it('refuses a server whose certificate was issued by another CA, and the migration fails', async () => {
    const { status, out, err } = await migrate(urlOf(impostor.port, verifyCa(pki.caFile)));
    expect(status).not.toBe(0);
    expect(out).not.toContain('answer');
    expect(err).toMatch(/refused: .*(self[- ]signed|unable to (get|verify))/i);
  });

  it('with verify-full the same genuine server is refused: the name connected to is not in its certificate', async () => {
    const { status, err } = await migrate(
      urlOf(genuine.port, `sslmode=verify-full&uselibpqcompat=true&sslrootcert=${pki.caFile}`),
    );
    expect(status).not.toBe(0);
    expect(err).toMatch(/refused: .*(altnames|does not match)/i);
  });

  it('hands a URL without TLS settings (the local database) to Prisma unchanged', async () => {
    const { out } = await migrate('postgresql://postgres@127.0.0.1:1/edgecart');
    expect(out).toContain('url postgresql://postgres@127.0.0.1:1/edgecart');
  });
});
