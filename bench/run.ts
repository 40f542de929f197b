// `npm run bench`: issue #5's benchmark and issue #6's soak in one bounded run (about 5 minutes).
//   npm run bench                 everything, then writes docs/benchmarks.md
//   npm run bench -- --soak       only the soak
//   npm run bench -- --no-soak    everything but the soak
// Options: --duration S (per scenario, 10), --warmup S (3), --connections N (50), --soak-duration S (60),
//          --slow-ms MS (stampede's slow query, 100), --no-write (leave docs/benchmarks.md alone).
// Needs PostgreSQL and Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL; default the local ones). It creates its own
// database `edgecart_bench` and Redis key prefix and removes both at the end.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import { type Child, startChild } from './child.js';
import { type BenchDatabase, createBenchDatabase } from './database.js';
import { type Measurement, measure } from './measure.js';
import { type Machine, type Run, renderMarkdown, renderText } from './report.js';
import { cartSession, listCursors, registeredShopper } from './shoppers.js';
import { type SoakResult, soak } from './soak.js';
import { type StampedeResult, stampede } from './stampede.js';
import { evaluate } from './targets.js';

const { values: args } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    'no-soak': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'soak-duration': { type: 'string', default: '60' },
    'slow-ms': { type: 'string', default: '100' },
  },
});
const durationSec = Number(args.duration);
const warmupSec = Number(args.warmup);
const connections = Number(args.connections);
const slowQueryMs = Number(args['slow-ms']);
const STAMPEDE_CONCURRENCY = 200;

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `${Date.now().toString(36)}`;
const redisPrefix = `edgecart-bench:${runId}:`;

// Production-like settings. The rate limiters stay ON (their Redis round trip is part of every real request) with
// limits no single-IP bench reaches; the logger runs at the production default level.
function serviceEnv(db: BenchDatabase, instance: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdefghijklmnop',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `${redisPrefix}${instance}:`,
    REGION: 'bench',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000',
    AUTH_RATE_LIMIT_MAX: '1000000',
    ...extra,
  };
}

const startService = (db: BenchDatabase, instance: string, extra?: Record<string, string>) =>
  startChild({ name: `service (${instance})`, script: 'service/src/server.ts', env: serviceEnv(db, instance, extra) });

async function machine(db: BenchDatabase): Promise<Machine> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const postgres = (await client.query<{ v: string }>('SHOW server_version')).rows[0]?.v ?? '?';
  await client.end();
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const info = await redis.info('server');
  await redis.close();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: `PostgreSQL ${postgres}`,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?',
  };
}

async function removeRedisKeys(): Promise<void> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await redis.del(keys);
  }
  await redis.close();
}

async function withChild<T>(start: () => Promise<Child>, fn: (child: Child) => Promise<T>): Promise<T> {
  const child = await start();
  try {
    return await fn(child);
  } finally {
    await child.stop();
  }
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function runSoak(db: BenchDatabase): Promise<SoakResult> {
  return withChild(
    () => startService(db, 'soak'),
    async (svc) => {
      log(`soak: registering shoppers, ${args['soak-duration']} s measured after 10 s warm-up`);
      const shoppers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => registeredShopper(svc.url, `soak-${runId}-${i}@bench.test`)),
      );
      return soak({
        service: svc,
        shopperCookies: shoppers,
        productIds: db.productIds,
        cursors: await listCursors(svc.url, 20),
        connections: 20,
        warmupSec: 10,
        durationSec: Number(args['soak-duration']),
      });
    },
  );
}

async function runBench(db: BenchDatabase): Promise<Omit<Run, 'machine' | 'soak'>> {
  const common = { connections, durationSec, warmupSec };
  const [warmId, coldIdOn, coldIdOff, cartId] = db.productIds;
  const measurements: Measurement[] = [];
  const stampedes: StampedeResult[] = [];

  log('hello-world ceiling');
  const hello = await withChild(
    () => startChild({ name: 'hello-world', script: 'bench/hello-world.ts', env: { LOG_LEVEL: 'info' } }),
    (child) => measure({ ...common, name: 'hello-world (bare Fastify)', url: `${child.url}/` }),
  );
  measurements.push(hello);

  let peakRssBytes = 0;
  const cached = await withChild(
    () => startService(db, 'cached'),
    async (svc) => {
      log('warm cache: list, by id, cart');
      const listWarm = await measure({
        ...common,
        name: 'GET /api/products?limit=20 (warm cache)',
        url: `${svc.url}/api/products?limit=20`,
      });
      const byIdWarm = await measure({
        ...common,
        name: 'GET /api/products/:id (warm cache)',
        url: `${svc.url}/api/products/${warmId}`,
      });
      const cookies = await Promise.all(Array.from({ length: connections }, () => cartSession(svc.url, cartId!)));
      let next = 0;
      const cart = await measure({
        ...common,
        name: 'PUT /api/cart/items/:id (session)',
        url: svc.url,
        requests: [
          {
            method: 'PUT',
            path: `/api/cart/items/${cartId}`,
            setupRequest: (req) => ({
              ...req,
              headers: { 'content-type': 'application/json', cookie: cookies[next++ % cookies.length]! },
              body: JSON.stringify({ quantity: 1 + (next % 5) }),
            }),
          },
        ],
      });
      log('stampede, single-flight on');
      stampedes.push(
        await stampede({
          name: 'single-flight on',
          baseUrl: svc.url,
          databaseUrl: db.url,
          productId: coldIdOn!,
          concurrency: STAMPEDE_CONCURRENCY,
          slowQueryMs,
        }),
      );
      peakRssBytes = await svc.peakRssBytes();
      return { listWarm, byIdWarm, cart };
    },
  );

  const uncached = await withChild(
    () => startService(db, 'nocache', { CACHE_TTL_SECONDS: '0' }),
    async (svc) => {
      log('cache off (database path): list, by id');
      const listDb = await measure({
        ...common,
        name: 'GET /api/products?limit=20 (cache off)',
        url: `${svc.url}/api/products?limit=20`,
      });
      const byIdDb = await measure({
        ...common,
        name: 'GET /api/products/:id (cache off)',
        url: `${svc.url}/api/products/${warmId}`,
      });
      const headers = await fetch(`${svc.url}/api/products/${warmId}`).then((r) => r.headers.get('x-cache'));
      if (headers !== 'miss') log(`WARNING: with CACHE_TTL_SECONDS=0 x-cache is "${headers}", expected "miss"`);
      return { listDb, byIdDb };
    },
  );
  measurements.push(cached.listWarm, cached.byIdWarm, uncached.listDb, uncached.byIdDb, cached.cart);

  await withChild(
    () => startService(db, 'nosingleflight', { CACHE_SINGLE_FLIGHT: 'false' }),
    async (svc) => {
      log('stampede, single-flight off');
      stampedes.push(
        await stampede({
          name: 'single-flight off',
          baseUrl: svc.url,
          databaseUrl: db.url,
          productId: coldIdOff!,
          concurrency: STAMPEDE_CONCURRENCY,
          slowQueryMs,
        }),
      );
    },
  );

  const checks = evaluate({
    hello,
    listWarm: cached.listWarm,
    byIdWarm: cached.byIdWarm,
    listDb: uncached.listDb,
    byIdDb: uncached.byIdDb,
    stampedeOn: stampedes[0]!,
    peakRssBytes,
  });
  return {
    connections,
    durationSec,
    settings: [
      'Service: `node --import tsx service/src/server.ts` (as `npm start`), NODE_ENV=production, LOG_LEVEL=info, rate limiters on with limits the bench never reaches, default pool size',
      'Hello-world ceiling: bench/hello-world.ts, bare Fastify 5 with the same Node flags, host and logger level',
      'Database path: a second service process with CACHE_TTL_SECONDS=0; single-flight off: a third with CACHE_SINGLE_FLIGHT=false',
    ],
    measurements,
    helloRequestsPerSec: hello.requestsPerSec,
    stampedes,
    slowQueryMs,
    peakRssBytes,
    checks,
  };
}

async function main(): Promise<number> {
  const started = Date.now();
  log('creating database edgecart_bench (migrated, 500 products)');
  const db = await createBenchDatabase(POSTGRES_URL, 'edgecart_bench');
  try {
    const info = await machine(db);
    if (args.soak) {
      const result = await runSoak(db);
      const m = result.measurement;
      process.stdout.write(
        `soak: ${Math.round(m.requestsPerSec)} req/s, ${m.errors} errors of ${m.requests}, RSS ` +
          `${(result.rssStartBytes / 2 ** 20).toFixed(0)} → ${(result.rssEndBytes / 2 ** 20).toFixed(0)} MB ` +
          `(${(result.rssGrowth * 100).toFixed(1)} %): ${result.pass ? 'PASS' : 'FAIL'}\n`,
      );
      return result.pass ? 0 : 1;
    }
    const run: Run = { machine: info, ...(await runBench(db)) };
    if (!args['no-soak']) run.soak = await runSoak(db);
    process.stdout.write(renderText(run));
    if (!args['no-write']) {
      await writeFile(new URL('../docs/benchmarks.md', import.meta.url), renderMarkdown(run));
      log('wrote docs/benchmarks.md');
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return run.checks.every((c) => c.pass) && (run.soak?.pass ?? true) ? 0 : 1;
  } finally {
    await db.drop();
    await removeRedisKeys();
  }
}

process.exitCode = await main();
