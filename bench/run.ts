// `npm run bench`: issues #5 and #11's benchmark and issue #6's soak in one bounded run (about 9 minutes), against the
// built service (`npm run bench` builds it first and runs it exactly as `npm start` does).
//   npm run bench                 everything, then writes docs/benchmarks.md
//   npm run bench -- --soak       only the soak
//   npm run bench -- --no-soak    everything but the soak
//   npm run bench -- --no-mix     without the shopper mix (issue #11, 60 s)
// Options: --duration S (per scenario and round, 5), --rounds N (5), --warmup S (first round, 3), --connections N (50), --soak-duration S (60),
//          --slow-ms MS (stampede's slow query, 300), --no-write (leave docs/benchmarks.md alone),
//          --node-args="FLAGS" (extra node flags for the service, e.g. --node-args=--max-old-space-size=192),
//          --env KEY=VALUE (repeatable; extra service environment, e.g. LOG_LEVEL=warn to see what logging costs),
//          --service PATH (entry point to benchmark instead of npm start's, e.g. a candidate change; .ts runs under tsx),
//          --baseline PATH (another build's entry point, e.g. an older release's dist/service/src/main.cjs: it and
//                           a second process of this build serve the same warm catalog, cart and signed-in
//                           scenarios, side by side in the same rounds, and the report says what this build costs
//                           per request against it),
//          --mix-duration S (shopper mix, 60),
//          --cpu-prof (write V8 CPU profiles of every service process to bench/profiles/, open in Chrome DevTools).
// Needs PostgreSQL and Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL; default the local ones). It creates its own
// database `edgecart_bench` and Redis key prefix and removes both at the end.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import { type Child, startChild } from './child.js';
import { SCENARIOS } from '../loadtest/scenarios.js';
import { checkSlo } from '../loadtest/slo.js';
import { runLoadTest } from '../loadtest/run.js';
import { type BenchDatabase, createBenchDatabase } from './database.js';
import { expiryUnderLoad } from './expiry.js';
import { ALB_HEADERS, combineRounds, type Measurement, measure } from './measure.js';
import { type GcSummary, gcBetween, scrape } from './metrics.js';
import {
  BASELINE_SUFFIX,
  CANDIDATE_SUFFIX,
  type Machine,
  type Run,
  renderText,
  type ShopperMixResult,
  updateDocument,
} from './report.js';
import { cartSession, listCursors, registeredShopper, SHOPPER_PASSWORD } from './shoppers.js';
import { type SoakResult, soak } from './soak.js';
import { type StampedeResult, stampede } from './stampede.js';
import { evaluate, rssCheck } from './targets.js';

const { values: args } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    'no-soak': { type: 'boolean', default: false },
    'no-mix': { type: 'boolean', default: false },
    'mix-duration': { type: 'string', default: '60' },
    'no-write': { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'soak-duration': { type: 'string', default: '60' },
    'slow-ms': { type: 'string', default: '300' },
    'node-args': { type: 'string', default: '' },
    'cpu-prof': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
    service: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const durationSec = Number(args.duration);
const warmupSec = Number(args.warmup);
const connections = Number(args.connections);
const rounds = Number(args.rounds);
const slowQueryMs = Number(args['slow-ms']);
const STAMPEDE_CONCURRENCY = 200;
/** Logins in flight in the login scenario: enough to keep the hashing queue busy, far below its bound. */
const LOGIN_CONNECTIONS = 8;

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `${Date.now().toString(36)}`;
const redisPrefix = `edgecart-bench:${runId}:`;

// Production-like settings. The rate limiters stay ON (their counting and Redis flushes are part of every real
// request) with limits no single-IP bench reaches (the global one at its ceiling: seed 003's run and its control
// together send over a million requests within one minute's window); the logger runs at the production default level.
function serviceEnv(db: BenchDatabase, instance: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdefghijklmnop',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `${redisPrefix}${instance}:`,
    REGION: 'bench',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000000',
    AUTH_RATE_LIMIT_MAX: '1000000',
    // The shoppers reorder all run long: the per-customer cap off, as the rate limits are out of reach.
    CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY: '0',
    TRUST_PROXY_HOPS: '1',
    ...startEnv,
    ...extra,
    ...envOverrides,
  };
}

const envOverrides = Object.fromEntries(
  args.env.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new Error(`--env expects KEY=VALUE, got "${kv}"`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);
const PROFILE_DIR = new URL('profiles/', import.meta.url).pathname;

/**
 * Environment, Node flags and script of `npm start` (the built service, its heap caps, its malloc setting), so the
 * bench runs it as production does.
 */
function startScript(): { env: Record<string, string>; flags: string[]; script: string } {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const tokens = (pkg.scripts?.start ?? '').split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  while (tokens[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0])) {
    const [key, ...value] = tokens.shift()!.split('=');
    env[key!] = value.join('=');
  }
  if (tokens[0] !== 'node')
    throw new Error(`npm start is "${pkg.scripts?.start}", expected "[VAR=value …] node … <script>"`);
  const flags = tokens.slice(1, -1);
  if (flags.includes('tsx'))
    throw new Error('npm start runs TypeScript through tsx; the bench measures the built service');
  return { env, flags, script: tokens.at(-1)! };
}

const { env: startEnv, flags: startFlags, script: startScriptPath } = startScript();
const serviceScript = args.service ?? startScriptPath;
// Later flags win, so --node-args can override what npm start sets.
const serviceNodeArgs = [
  ...startFlags,
  ...args['node-args'].split(' ').filter(Boolean),
  ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
];

async function startService(
  db: BenchDatabase,
  instance: string,
  extra?: Record<string, string>,
  script = serviceScript,
): Promise<Child> {
  const child = await startChild({
    name: `service (${instance})`,
    script,
    env: serviceEnv(db, instance, extra),
    nodeArgs: serviceNodeArgs,
  });
  children.add(child);
  // Another build's start-up is not this build's (the start-up target reads these).
  if (script === serviceScript) serviceStartups.push(child.startupMs);
  return child;
}

/** "commit abc1234, " when the baseline's entry point lies in a git checkout, else nothing. */
function baselineCommit(script: string): string {
  try {
    const commit = execFileSync('git', ['-C', dirname(script), 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return `commit ${commit}, `;
  } catch {
    return '';
  }
}

/** Start-up (spawn to /health 200) of every service process of the run. */
const serviceStartups: number[] = [];

async function machine(db: BenchDatabase): Promise<Machine> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const postgres =
    (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
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

// Every server this run started, so an interrupted run (Ctrl-C) stops them too.
const children = new Set<Child>();

async function stopChild(child: Child): Promise<void> {
  await child.stop();
  children.delete(child);
}

async function withChild<T>(start: () => Promise<Child>, fn: (child: Child) => Promise<T>): Promise<T> {
  const child = await start();
  children.add(child);
  try {
    return await fn(child);
  } finally {
    await stopChild(child);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...children].map((c) => c.stop())).finally(() => process.exit(130));
  });
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
      const result = await soak({
        service: svc,
        shopperCookies: shoppers,
        productIds: db.productIds,
        cursors: await listCursors(svc.url, 20),
        connections: 20,
        warmupSec: 10,
        durationSec: Number(args['soak-duration']),
      });
      return { ...result, peakRssBytes: await svc.peakRssBytes() };
    },
  );
}

interface Scenario {
  name: string;
  child: Child;
  /** Connections of this scenario, when not the run's (--connections). */
  connections?: number;
  options: (child: Child) => Omit<Parameters<typeof measure>[0], 'name' | 'connections' | 'durationSec' | 'warmupSec'>;
}

async function runBench(db: BenchDatabase): Promise<Omit<Run, 'machine' | 'soak'>> {
  const [warmId, cartId] = db.productIds;
  const stampedes: StampedeResult[] = [];
  // Every server runs for the whole comparison and the scenarios take turns, round after round: a burst of load
  // from a neighbour on this shared machine then hits all of them alike instead of skewing one.
  log('starting hello-world, the service (cache on) and the service (cache off)');
  const hello = await startChild({
    name: 'hello-world',
    script: 'bench/hello-world.ts',
    env: { ...startEnv, LOG_LEVEL: 'info' },
    nodeArgs: startFlags,
  });
  children.add(hello);
  const rawPg = await startChild({
    name: 'raw pg',
    script: 'bench/raw-pg.ts',
    env: { ...startEnv, LOG_LEVEL: 'info', DATABASE_URL: db.url },
    nodeArgs: startFlags,
  });
  children.add(rawPg);
  const cached = await startService(db, 'cached');
  const uncached = await startService(db, 'nocache', { CACHE_TTL_SECONDS: '0' });
  const xCache = await fetch(`${uncached.url}/api/products/${warmId}`).then((r) => r.headers.get('x-cache'));
  if (xCache !== 'miss') throw new Error(`with CACHE_TTL_SECONDS=0 x-cache is "${xCache}", expected "miss"`);
  const loginEmail = `login-${runId}@bench.test`;
  await registeredShopper(cached.url, loginEmail);
  // A/B against a baseline build: two processes that serve nothing else, so neither carries the other scenarios'
  // state (the cached process also serves logins, the stampede and the rest, and measured slower than a second
  // process of the same build that serves only these).
  const baseline = args.baseline ? await startService(db, 'baseline', {}, args.baseline) : undefined;
  const candidate = baseline ? await startService(db, 'candidate') : undefined;
  const abChildren = baseline && candidate ? [candidate, baseline] : [];
  const cartCookies = new Map<Child, { cookies: string[]; next: number }>();
  for (const c of [cached, ...abChildren])
    cartCookies.set(c, {
      cookies: await Promise.all(Array.from({ length: connections }, () => cartSession(c.url, cartId!))),
      next: 0,
    });
  const signedInCookies = new Map<Child, string>();
  for (const c of [cached, ...abChildren])
    signedInCookies.set(c, await registeredShopper(c.url, `me-${runId}-${c.pid}@bench.test`));
  const cartScenario = (name: string, child: Child): Scenario => ({
    name,
    child,
    options: (c) => {
      const jar = cartCookies.get(c)!;
      return {
        url: c.url,
        requests: [
          {
            method: 'PUT',
            path: `/api/cart/items/${cartId}`,
            setupRequest: (req) => ({
              ...req,
              headers: {
                ...ALB_HEADERS,
                'content-type': 'application/json',
                cookie: jar.cookies[jar.next++ % jar.cookies.length]!,
              },
              body: JSON.stringify({ quantity: 1 + (jar.next % 5) }),
            }),
          },
        ],
      };
    },
  });
  const signedInScenario = (name: string, child: Child): Scenario => ({
    name,
    child,
    options: (c) => ({ url: `${c.url}/api/auth/me`, headers: { cookie: signedInCookies.get(c)! } }),
  });
  const listScenario = (name: string, child: Child): Scenario => ({
    name,
    child,
    options: (c) => ({ url: `${c.url}/api/products?limit=20` }),
  });
  const byIdScenario = (name: string, child: Child): Scenario => ({
    name,
    child,
    options: (c) => ({ url: `${c.url}/api/products/${warmId}` }),
  });
  // The A/B pairs, after the scenarios the targets read: each request against this build, then the baseline (in
  // every other round the baseline first, so neither always follows the same scenario).
  const abPairs: Scenario[] =
    candidate && baseline
      ? (
          [
            ['GET /api/products?limit=20 (warm cache)', listScenario],
            ['GET /api/products/:id (warm cache)', byIdScenario],
            ['PUT /api/cart/items/:id (session)', cartScenario],
            ['GET /api/auth/me (signed in)', signedInScenario],
          ] as const
        ).flatMap(([name, make]) => [make(name + CANDIDATE_SUFFIX, candidate), make(name + BASELINE_SUFFIX, baseline)])
      : [];
  const scenarios: Scenario[] = [
    { name: 'hello-world (bare Fastify)', child: hello, options: (c) => ({ url: `${c.url}/` }) },
    listScenario('GET /api/products?limit=20 (warm cache)', cached),
    byIdScenario('GET /api/products/:id (warm cache)', cached),
    listScenario('GET /api/products?limit=20 (cache off)', uncached),
    listScenario('raw pg ceiling: same keyset query (bare Fastify + pg)', rawPg),
    byIdScenario('GET /api/products/:id (cache off)', uncached),
    {
      // Password hashing is the bound: the hashing queue runs ⌊cores / 2⌋ argon2id verifications at once.
      name: `POST /api/auth/login (argon2id, ${LOGIN_CONNECTIONS} connections)`,
      child: cached,
      connections: LOGIN_CONNECTIONS,
      options: (c) => ({
        url: `${c.url}/api/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: loginEmail, password: SHOPPER_PASSWORD }),
      }),
    },
    cartScenario('PUT /api/cart/items/:id (session)', cached),
    signedInScenario('GET /api/auth/me (signed in)', cached),
    ...abPairs,
  ];
  const results = scenarios.map(() => [] as Measurement[]);
  let peakRssBytes = 0;
  let cachedGc: GcSummary | undefined;
  try {
    const gcBefore = await scrape(cached.internalUrl);
    const roundsStarted = performance.now();
    for (let round = 0; round < rounds; round++) {
      log(`round ${round + 1}/${rounds}: ${scenarios.length} scenarios × ${durationSec} s`);
      const firstPair = scenarios.length - abPairs.length;
      // Odd rounds swap each A/B pair, so the baseline goes first there.
      const swap = (i: number) => (round % 2 === 1 && i >= firstPair ? i + ((i - firstPair) % 2 === 0 ? 1 : -1) : i);
      const order = scenarios.map((_, i) => swap(i));
      for (const i of order) {
        const sc = scenarios[i]!;
        sc.child.assertAlive();
        results[i]!.push(
          await measure({
            ...sc.options(sc.child),
            name: sc.name,
            cpuSeconds: () => sc.child.cpuSeconds(),
            connections: sc.connections ?? connections,
            durationSec,
            // JIT, pools and caches warm up once; later rounds only re-open connections.
            warmupSec: round === 0 ? warmupSec : 1,
          }),
        );
      }
    }
    cachedGc = gcBetween(gcBefore, await scrape(cached.internalUrl), (performance.now() - roundsStarted) / 1000);
    log('stampede, single-flight on');
    cached.assertAlive();
    stampedes.push(
      await stampede({
        name: 'single-flight on',
        baseUrl: cached.url,
        metricsUrl: cached.internalUrl,
        databaseUrl: db.url,
        path: '/api/products?limit=7',
        concurrency: STAMPEDE_CONCURRENCY,
        slowQueryMs,
      }),
    );
    for (const c of [hello, rawPg, cached, uncached, ...abChildren]) c.assertAlive();
    peakRssBytes = await cached.peakRssBytes();
  } finally {
    await Promise.all([hello, rawPg, cached, uncached, ...abChildren].map((c) => stopChild(c)));
  }

  await withChild(
    () => startService(db, 'nosingleflight', { CACHE_SINGLE_FLIGHT: 'false' }),
    async (svc) => {
      log('stampede, single-flight off');
      stampedes.push(
        await stampede({
          name: 'single-flight off',
          baseUrl: svc.url,
          metricsUrl: svc.internalUrl,
          databaseUrl: db.url,
          path: '/api/products?limit=8',
          concurrency: STAMPEDE_CONCURRENCY,
          slowQueryMs,
        }),
      );
    },
  );

  // Seed 003's workload: a 5 s catalog query behind a 10 s TTL, 50 connections, 25 s after the first fill.
  const expiry = await withChild(
    () => startService(db, 'expiry', { CACHE_TTL_SECONDS: '10' }),
    async (svc) => {
      log('slow query behind expiry (seed 003): 5 s query, TTL 10 s, 50 connections, 25 s after the first fill');
      return expiryUnderLoad({
        baseUrl: svc.url,
        databaseUrl: db.url,
        path: '/api/products?limit=9',
        slowQueryMs: 5_000,
        ttlSeconds: 10,
        connections: 50,
        durationSec: 25,
      });
    },
  );

  const measurements = results.map(combineRounds);
  const [helloM, listWarm, byIdWarm, listDb, rawPgM, byIdDb] = measurements as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];
  const checks = evaluate({
    hello: helloM,
    listWarm,
    byIdWarm,
    listDb,
    rawPg: rawPgM,
    byIdDb,
    stampedeOn: stampedes[0]!,
    expiry,
    startupsMs: serviceStartups,
  });
  return {
    connections,
    durationSec,
    rounds,
    settings: [
      ...(args.env.length > 0 ? [`Service environment overrides: ${args.env.join(' ')}`] : []),
      `Service: \`${Object.entries(startEnv)
        .map(([k, v]) => `${k}=${v} `)
        .join(
          '',
        )}node ${serviceNodeArgs.length > 0 ? `${serviceNodeArgs.join(' ')} ` : ''}${serviceScript}\` (the build of \`npm run build\`, as \`npm start\` runs it), NODE_ENV=production, LOG_LEVEL=info, rate limiters on with limits the bench never reaches, default pool size`,
      `Hello-world ceiling: \`node ${startFlags.length > 0 ? `${startFlags.join(' ')} ` : ''}--import tsx bench/hello-world.ts\`, bare Fastify 5 with the same Node flags, environment, host and logger level`,
      "Raw-pg ceiling: bench/raw-pg.ts, bare Fastify 5 + node-postgres (pool of 10, as the service) running the cache-off list page's keyset query, same flags and logger level",
      'Database path: a second service process with CACHE_TTL_SECONDS=0; single-flight off: a third with CACHE_SINGLE_FLIGHT=false',
      ...(args.baseline
        ? [
            `Baseline: ${baselineCommit(args.baseline)}\`${args.baseline}\` with the same flags and environment, and a second process of this build, each serving only the A/B scenarios, pair by pair in the same rounds ("(A/B: …)" rows)`,
          ]
        : []),
      'CPU µs/req: user + system time of the serving process over the measured run (/proc/<pid>/stat), per answered request; the median of the rounds',
      `Scenarios take turns for ${rounds} rounds while all servers stay up; each row is the round with the median req/s, "× hello" is the median of the per-round ratios`,
    ],
    measurements,
    stampedes,
    slowQueryMs,
    expiry,
    peakRssBytes,
    cachedGc,
    startupsMs: serviceStartups,
    checks,
  };
}

/** Issue #11's shopper mix (loadtest/scenarios.ts) against a fresh instance of the built service. */
async function runShopperMix(db: BenchDatabase): Promise<ShopperMixResult> {
  const scenario = SCENARIOS['shopper-mix']!;
  return withChild(
    () => startService(db, 'mix'),
    async (svc) => {
      const durationSec = Number(args['mix-duration']);
      log(`shopper mix: ${scenario.description}, ${durationSec} s`);
      const report = await runLoadTest({
        ...scenario.options,
        target: svc.url,
        headers: ALB_HEADERS,
        durationSec,
        timeoutMs: 10_000,
        graceSec: 15,
      });
      return {
        report,
        checks: checkSlo(report, scenario.slo),
        peakRssBytes: await svc.peakRssBytes(),
      };
    },
  );
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
    if (!args['no-mix']) run.shopperMix = await runShopperMix(db);
    if (!args['no-soak']) run.soak = await runSoak(db);
    // The memory target covers every service process measured: the cached scenarios', the shopper mix's, the soak's.
    run.checks.push(
      rssCheck([
        { name: 'cached scenarios', bytes: run.peakRssBytes },
        ...(run.shopperMix ? [{ name: 'shopper mix', bytes: run.shopperMix.peakRssBytes }] : []),
        ...(run.soak?.peakRssBytes ? [{ name: 'soak', bytes: run.soak.peakRssBytes }] : []),
      ]),
    );
    process.stdout.write(renderText(run));
    if (!args['no-write']) {
      const doc = new URL('../docs/benchmarks.md', import.meta.url);
      const existing = await readFile(doc, 'utf8').catch(() => undefined);
      await writeFile(doc, updateDocument(existing, run));
      log('wrote docs/benchmarks.md');
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const mixPass = run.shopperMix?.checks.every((c) => c.pass) ?? true;
    return run.checks.every((c) => c.pass) && (run.soak?.pass ?? true) && mixPass ? 0 : 1;
  } finally {
    await db.drop();
    await removeRedisKeys();
  }
}

process.exitCode = await main();
