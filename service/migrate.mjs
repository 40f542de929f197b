// `prisma migrate deploy`, with the database server authenticated exactly as the service authenticates it.
//
// Why not hand Prisma the URL: the service connects with `sslmode=verify-ca&uselibpqcompat=true&sslrootcert=<RDS
// CA>` (node-postgres checks the chain up to the RDS CA and not the host name, because nobody can tell offline
// which names the certificate behind the global writer endpoint carries; issue #20 item 5). Prisma's schema engine
// has no such mode: it reads only sslmode disable/prefer/require, and `sslaccept` is either `strict` (chain and
// host name, through native-tls) or `accept_invalid_certs` (no verification at all) (prisma-engines
// quaint/src/connector/postgres/url.rs and native/mod.rs, MakeTlsConnectorManager). So this script opens the TLS
// connections itself, with node-postgres's own parser of the same URL (pg-connection-string), and lets Prisma
// speak plain PostgreSQL to it over loopback inside the container:
//
//   prisma --(127.0.0.1, no TLS)--> this process --(SSLRequest, TLS verified like the service)--> Aurora
//
// A URL without TLS settings (the local demo database) is passed to Prisma unchanged.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

// Resolved from pg's own directory: the parser pg uses, whatever npm hoists.
const require = createRequire(import.meta.url);
const parseConnectionString = createRequire(require.resolve('pg'))('pg-connection-string');

/** PostgreSQL's SSLRequest message: length 8, code 80877103 (protocol docs, "SSL Session Encryption"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const CONNECT_TIMEOUT_MS = 10_000;
/** In the image: /app/prisma/migrations, beside /app/service/migrate.mjs (service/Dockerfile). */
const MIGRATIONS_DIR = new URL('../prisma/migrations/', import.meta.url);
/** URL parameters about TLS: the proxy applies them, Prisma must not see them. */
const TLS_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslaccept', 'uselibpqcompat'];

const log = (message) => process.stderr.write(`migrate: ${message}\n`);

/** The TLS options node-postgres would use for `url`, or undefined when it would not use TLS. */
export function tlsOptionsOf(url) {
  const config = parseConnectionString(url);
  if (!config.ssl) return undefined;
  return { host: config.host, port: Number(config.port || 5432), ssl: config.ssl === true ? {} : config.ssl };
}

/** `url` pointed at the local end of the proxy, without TLS: what Prisma connects to. */
export function localUrlOf(url, port) {
  const local = new URL(url);
  local.hostname = '127.0.0.1';
  local.port = String(port);
  for (const name of TLS_PARAMETERS) local.searchParams.delete(name);
  local.searchParams.set('sslmode', 'disable');
  return local.toString();
}

function forward(client, { host, port, ssl }) {
  client.pause();
  client.on('error', () => {});
  const upstream = net.connect({ host, port });
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error(`no answer from ${host}:${port}`)));
  const fail = (error) => {
    log(`connection to ${host}:${port} refused: ${error.message}`);
    upstream.destroy();
    client.destroy();
  };
  upstream.once('error', fail);
  upstream.once('connect', () => upstream.write(SSL_REQUEST));
  upstream.once('data', (answer) => {
    if (answer[0] !== 0x53 /* 'S' */) return fail(new Error('the server does not accept TLS'));
    upstream.removeListener('error', fail);
    // As node-postgres opens it (pg lib/connection.js, upgradeToSSL): `host` for the identity check when one is
    // asked for, SNI with the host name (never an IP address, RFC 6066 section 3).
    const secure = tls.connect({ ...ssl, socket: upstream, host, ...(net.isIP(host) ? {} : { servername: host }) });
    secure.once('error', fail);
    secure.once('secureConnect', () => {
      upstream.setTimeout(0);
      secure.removeListener('error', fail);
      secure.on('error', () => client.destroy());
      client.on('close', () => secure.destroy());
      secure.on('close', () => client.destroy());
      client.pipe(secure);
      secure.pipe(client);
      client.resume();
    });
  });
}

/** Listens on 127.0.0.1 (a free port) and forwards each connection over TLS verified as `url` asks. */
export async function startVerifyingProxy(url) {
  const target = tlsOptionsOf(url);
  if (!target) throw new Error('the URL asks for no TLS');
  const clients = new Set();
  const server = net.createServer((client) => {
    clients.add(client);
    client.once('close', () => clients.delete(client));
    forward(client, target);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const close = () =>
    new Promise((resolve) => {
      for (const client of clients) client.destroy();
      server.close(() => resolve());
    });
  return { localUrl: localUrlOf(url, port), close };
}

function runPrisma(databaseUrl) {
  const prisma = process.env.PRISMA_BIN || '/app/node_modules/.bin/prisma';
  return new Promise((resolve) => {
    const child = spawn(prisma, ['migrate', 'deploy'], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    child.once('error', (error) => {
      log(`cannot run ${prisma}: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * The migrations this image carries (prisma/migrations/<name>/migration.sql), by name. prisma/migrate.ts has the
 * same listing and "applied" query for tests; it is TypeScript, which the image's plain node cannot load.
 */
export function migrationsInImage(dir = process.env.MIGRATIONS_DIR || fileURLToPath(MIGRATIONS_DIR)) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${dir}/${entry.name}/migration.sql`))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The image's migrations not yet recorded as applied, read on `url` (the region's own endpoint: a replica of the
 * writer in every region), or undefined when that cannot be told (no table yet, no answer): then only the writer
 * can say. Prisma's rule: applied means finished and not rolled back.
 */
export async function pendingMigrations(url, names = migrationsInImage()) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    const { rows } = await client.query(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return names.filter((name) => !applied.has(name));
  } catch (error) {
    log(`cannot read the applied migrations on the regional endpoint (${error.message}): asking the writer`);
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    log('DATABASE_URL is required to migrate');
    return 2;
  }
  // Nothing to migrate, said by the region's own database: start without reaching the writer. After a
  // switchover the global writer endpoint leads into another region's VPC, which this one has no path to
  // (docs/deploy.md, "Switchover"): an instance replaced, scaled out or released there with no new migration
  // must still start. A release that does carry a migration still needs the writer, and fails here until it can
  // reach it (the refresh then rolls back: docs/deploy.md, "Releasing during a switchover").
  const regionalUrl = process.env.SCHEMA_CHECK_DATABASE_URL;
  if (regionalUrl) {
    const pending = await pendingMigrations(regionalUrl);
    if (pending?.length === 0) {
      log('nothing to migrate: every migration of this image is applied (read on the regional endpoint)');
      return 0;
    }
    if (pending) log(`pending: ${pending.join(', ')}`);
  }
  if (!tlsOptionsOf(url)) return runPrisma(url);
  const proxy = await startVerifyingProxy(url);
  try {
    return await runPrisma(proxy.localUrl);
  } finally {
    await proxy.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
