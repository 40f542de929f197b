// Renders one bench run: a plain-text table for the terminal and docs/benchmarks.md.
import type { LoadTestReport } from '../loadtest/run.js';
import type { SloCheck } from '../loadtest/slo.js';
import type { ExpiryResult } from './expiry.js';
import type { GcSummary } from './metrics.js';
import type { Measurement } from './measure.js';
import type { SoakResult } from './soak.js';
import type { StampedeResult } from './stampede.js';
import { type Check, roundRatio } from './targets.js';

export interface Machine {
  date: string;
  commit: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
}

export interface Run {
  machine: Machine;
  connections: number;
  durationSec: number;
  rounds: number;
  settings: string[];
  /** The first is the hello-world ceiling. */
  measurements: Measurement[];
  stampedes: StampedeResult[];
  slowQueryMs: number;
  expiry: ExpiryResult;
  peakRssBytes: number;
  /** Garbage collection in the process that served the cached scenarios, over the interleaved rounds. */
  cachedGc?: GcSummary;
  /** Spawn to /health 200 of every service process of the run, in start order. */
  startupsMs: number[];
  checks: Check[];
  shopperMix?: ShopperMixResult;
  soak?: SoakResult;
}

export interface ShopperMixResult {
  report: LoadTestReport;
  checks: SloCheck[];
  peakRssBytes: number;
}

export function gcLine(gc: GcSummary): string {
  const pct = (sec: number) => `${((100 * sec) / gc.wallSec).toFixed(1)} %`;
  return (
    `Garbage collection in that process over the ${Math.round(gc.wallSec)} s of rounds (its own and the login and cart scenarios' load): ` +
    `${gc.majorCount} major (${(gc.majorSec * 1000).toFixed(0)} ms, ${pct(gc.majorSec)} of the time), ` +
    `${gc.minorCount} minor (${(gc.minorSec * 1000).toFixed(0)} ms, ${pct(gc.minorSec)})`
  );
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rps = (n: number) => Math.round(n).toLocaleString('en-US');

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function throughputRows(run: Run): string[][] {
  return run.measurements.map((m) => [
    m.name,
    rps(m.requestsPerSec),
    roundRatio(m, run.measurements[0]!).toFixed(2),
    m.roundRps.map((r) => rps(r)).join(' / '),
    `${m.p50Ms}`,
    `${m.p99Ms}`,
    String(m.errors),
    m.cpuUsPerRequest === undefined ? '' : m.cpuUsPerRequest.toFixed(0),
  ]);
}

const THROUGHPUT_HEADER = [
  'scenario',
  'req/s',
  '× hello',
  'req/s per round',
  'p50 ms',
  'p99 ms',
  'errors',
  'CPU µs/req',
];

/** Suffixes of the A/B scenarios of `npm run bench -- --baseline PATH`: each build in a process of its own. */
export const BASELINE_SUFFIX = ' (A/B: baseline)';
export const CANDIDATE_SUFFIX = ' (A/B: this build)';

const BASELINE_HEADER = ['scenario', 'CPU µs/req', 'baseline µs/req', 'difference', '× hello', 'baseline × hello'];

/** Each A/B scenario: what this build costs per request, next to the baseline serving the same requests. */
export function baselineRows(run: Pick<Run, 'measurements'>): string[][] {
  const hello = run.measurements[0]!;
  const rows: string[][] = [];
  for (const base of run.measurements.filter((m) => m.name.endsWith(BASELINE_SUFFIX))) {
    const scenario = base.name.slice(0, -BASELINE_SUFFIX.length);
    const mine = run.measurements.find((m) => m.name === scenario + CANDIDATE_SUFFIX);
    if (!mine || mine.cpuUsPerRequest === undefined || base.cpuUsPerRequest === undefined) continue;
    const diff = mine.cpuUsPerRequest - base.cpuUsPerRequest;
    rows.push([
      scenario,
      mine.cpuUsPerRequest.toFixed(0),
      base.cpuUsPerRequest.toFixed(0),
      `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(0)} µs (${diff >= 0 ? '+' : '−'}${Math.abs((100 * diff) / base.cpuUsPerRequest).toFixed(0)} %)`,
      roundRatio(mine, hello).toFixed(2),
      roundRatio(base, hello).toFixed(2),
    ]);
  }
  return rows;
}
const STAMPEDE_HEADER = [
  'stampede',
  'requests',
  'statuses',
  'DB queries (service)',
  'DB queries (PostgreSQL)',
  'cache misses',
  'p50 ms',
  'p99 ms',
];

function stampedeRows(run: Run): string[][] {
  return run.stampedes.map((s) => [
    s.name,
    String(s.requests),
    Object.entries(s.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(' '),
    String(s.serviceQueries),
    String(s.databaseQueries),
    String(s.cacheMisses),
    s.p50Ms.toFixed(0),
    s.p99Ms.toFixed(0),
  ]);
}

const EXPIRY_HEADER = ['workload', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'slow queries', 'errors'];

function expiryRows(run: Run): string[][] {
  const e = run.expiry;
  const c = e.control;
  return [
    [
      `${e.slowQueryMs / 1000} s query, TTL ${e.ttlSeconds} s, ${e.connections} connections, ${e.durationSec} s`,
      String(e.requests),
      rps(e.requestsPerSec),
      String(e.p50Ms),
      String(e.p99Ms),
      String(e.maxMs),
      String(e.slowQueries),
      String(e.errors),
    ],
    [
      'control: the same load right after, query fast again',
      '',
      '',
      '',
      String(c.p99Ms),
      String(c.maxMs),
      '',
      String(c.errors),
    ],
  ];
}

const MIX_HEADER = ['step', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'];

function mixRows(mix: ShopperMixResult): string[][] {
  const ms = (n: number) => n.toFixed(0);
  return [...mix.report.groups, ...mix.report.steps, mix.report.total].map((s) => [
    s.step,
    String(s.count),
    ms(s.p50Ms),
    ms(s.p95Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    String(s.errors),
  ]);
}

function mixSummary(mix: ShopperMixResult): string {
  const r = mix.report;
  const registrations = r.steps.find((s) => s.step === 'register')?.count ?? 0;
  return (
    `${r.shoppers.arrived} shoppers over ${r.elapsedSec.toFixed(0)} s (${r.meanActive.toFixed(0)} in flight on average), ` +
    `${(registrations / r.arrivalSec).toFixed(1)} registrations/s over the ${r.arrivalSec} s of arrivals, ${r.requestsPerSec.toFixed(0)} req/s, ` +
    `${r.shoppers.failed} journeys failed, ${r.shoppers.dropped} dropped; service peak RSS ${mb(mix.peakRssBytes)}`
  );
}

const startups = (run: Run) => run.startupsMs.map((s) => s.toFixed(0)).join(' / ');

function soakLines(soak: SoakResult): string[] {
  const m = soak.measurement;
  return [
    `${soak.durationSec} s measured after warm-up: ${rps(m.requestsPerSec)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ` +
      `${m.requests} requests, ${m.errors} errors (${(soak.errorRate * 100).toFixed(3)} %)`,
    `RSS start ${mb(soak.rssStartBytes)}, end ${mb(soak.rssEndBytes)}, max ${mb(soak.rssMaxBytes)}: growth ` +
      `${(soak.rssGrowth * 100).toFixed(1)} % (limit 20 %) → ${soak.pass ? 'PASS' : 'FAIL'}` +
      (soak.peakRssBytes ? `; the process's peak (VmHWM, registrations included) ${mb(soak.peakRssBytes)}` : ''),
  ];
}

export function renderText(run: Run): string {
  const out = [
    '',
    `edgecart bench — ${run.machine.date}, ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}`,
    `${run.connections} connections, ${run.rounds} interleaved rounds of ${run.durationSec} s per scenario; load generator on the same machine`,
    '',
    ...table(THROUGHPUT_HEADER, throughputRows(run)),
    ...(baselineRows(run).length > 0
      ? ['', 'Against the baseline build, same rounds:', ...table(BASELINE_HEADER, baselineRows(run))]
      : []),
    '',
    `Stampede: ${run.stampedes[0]?.requests ?? 0} concurrent GETs of one cold list page, every products query slowed by ${run.slowQueryMs} ms`,
    ...table(STAMPEDE_HEADER, stampedeRows(run)),
    '',
    `Seed 003's workload (after the first fill, ${run.expiry.fillMs.toFixed(0)} ms):`,
    ...table(EXPIRY_HEADER, expiryRows(run)),
    '',
    `Service peak RSS (VmHWM): ${mb(run.peakRssBytes)}; start-up to /health 200 (ms, each service process): ${startups(run)}`,
    ...(run.cachedGc ? [gcLine(run.cachedGc)] : []),
    '',
    ...table(
      ['target', 'measured', 'result'],
      run.checks.map((c) => [c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
    ),
  ];
  if (run.shopperMix) {
    out.push('', `Shopper mix: ${mixSummary(run.shopperMix)}`, ...table(MIX_HEADER, mixRows(run.shopperMix)));
    out.push(
      '',
      ...table(
        ['objective', 'measured', 'result'],
        run.shopperMix.checks.map((c) => [c.objective, c.measured, c.pass ? 'PASS' : 'FAIL']),
      ),
    );
  }
  if (run.soak) out.push('', 'Soak:', ...soakLines(run.soak));
  return `${out.join('\n')}\n`;
}

export const BEGIN = '<!-- bench:begin (generated by npm run bench; edit outside these markers) -->';
export const END = '<!-- bench:end -->';

/** Puts a fresh run between the markers of docs/benchmarks.md, keeping whatever people wrote around them. */
export function updateDocument(existing: string | undefined, run: Run): string {
  const generated = `${BEGIN}\n${renderMarkdown(run)}\n${END}`;
  if (existing === undefined || !existing.includes(BEGIN) || !existing.includes(END)) {
    return `# Benchmarks\n\n${generated}\n`;
  }
  return existing.slice(0, existing.indexOf(BEGIN)) + generated + existing.slice(existing.indexOf(END) + END.length);
}

export function renderMarkdown(run: Run): string {
  const m = run.machine;
  return [
    'Figures of the last `npm run bench` (bench/run.ts). Every figure comes from one run, so the ratios compare like',
    'with like even on a busy machine.',
    '',
    '## Machine and run',
    '',
    `- Date: ${m.date}`,
    `- Commit: ${m.commit}`,
    `- CPU: ${m.cpus} × ${m.cpuModel} (nproc ${m.cpus}); memory ${m.memoryGiB} GiB`,
    `- Node ${m.node}; ${m.postgres}; Redis ${m.redis}`,
    `- Load: autocannon (programmatic API, one worker) on the same machine, ${run.connections} connections, pipelining 1, ${run.rounds} rounds of ${run.durationSec} s per scenario after a warm-up`,
    ...run.settings.map((s) => `- ${s}`),
    '',
    '## Throughput and latency',
    '',
    ...markdownTable(THROUGHPUT_HEADER, throughputRows(run)),
    '',
    ...(baselineRows(run).length > 0
      ? [
          '## Cost per request against the baseline build',
          '',
          'Two processes that serve only these requests, this build and the baseline (Machine and run), pair by pair in',
          "the same rounds (the cached scenarios' process above serves logins and the rest too, which costs it: compare",
          'A/B rows with each other only). CPU per request depends less than req/s on how much of the machine the load',
          'generator takes, but it still moves with load and batching: read differences of a few µs as noise.',
          '',
          ...markdownTable(BASELINE_HEADER, baselineRows(run)),
          '',
        ]
      : []),
    '## Stampede',
    '',
    `${run.stampedes[0]?.requests ?? 0} requests for one cold list page (\`GET /api/products?limit=7\`) in flight at once, while every query of \`products\``,
    `sleeps ${run.slowQueryMs} ms (bench/slow-query.ts swaps the table for a view over it for the duration). "DB queries`,
    '(service)" is the delta of `edgecart_db_queries_total`; "DB queries (PostgreSQL)" counts executions of the slow',
    'view itself.',
    '',
    ...markdownTable(STAMPEDE_HEADER, stampedeRows(run)),
    '',
    "## Slow query behind expiry (seed 003's workload)",
    '',
    `One list page whose every query takes ${run.expiry.slowQueryMs / 1000} s (the same slow view), TTL ${run.expiry.ttlSeconds} s, ${run.expiry.connections} connections for ${run.expiry.durationSec} s,`,
    `measured after the first fill (which waited ${run.expiry.fillMs.toFixed(0)} ms). "Slow queries" counts executions of the slow view in`,
    'PostgreSQL during the measured run: with stale-while-revalidate each expiry costs one, and no request waits for it.',
    '',
    ...markdownTable(EXPIRY_HEADER, expiryRows(run)),
    '',
    '## Memory and start-up',
    '',
    `- Service peak RSS under load (VmHWM of the process that served the cached scenarios): ${mb(run.peakRssBytes)}.`,
    `- Start-up, spawn to the first \`/health\` 200, of each service process of the run (ms): ${startups(run)}.`,
    ...(run.cachedGc ? [`- ${gcLine(run.cachedGc)}`] : []),
    '',
    '## Targets (issues #5 and #11)',
    '',
    ...markdownTable(
      ['target', 'measured', 'result'],
      run.checks.map((c) => [c.target, c.measured, c.pass ? 'PASS' : '**FAIL**']),
    ),
    '',
    ...(run.shopperMix
      ? [
          '## Shopper mix (issue #11, loadtest/scenarios.ts `shopper-mix`)',
          '',
          'Browse, fill a cart, register and check out, the load generator (loadtest/run.ts) in the bench process on the same',
          `cores: ${mixSummary(run.shopperMix)}. "catalog" is every list page and product view.`,
          '',
          ...markdownTable(MIX_HEADER, mixRows(run.shopperMix)),
          '',
          ...markdownTable(
            ['objective', 'measured', 'result'],
            run.shopperMix.checks.map((c) => [c.objective, c.measured, c.pass ? 'PASS' : '**FAIL**']),
          ),
          '',
        ]
      : []),
    ...(run.soak
      ? [
          '## Soak (issue #6)',
          '',
          'Mixed shopper journeys (bench/soak.ts): list pages, product views, cart writes and reads, checkout.',
          '',
          ...soakLines(run.soak).map((l) => `- ${l}`),
          '',
        ]
      : []),
  ].join('\n');
}
