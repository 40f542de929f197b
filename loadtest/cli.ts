// `npm run loadtest -- --target URL [options]`: the shopper load test. Prints a live progress line and a table
// per step, and exits 1 when the SLO is breached (2 on bad usage), so it can gate a deploy.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_MIX, type LoadTestOptions, type LoadTestReport, type Progress, parseMix, runLoadTest } from './run.js';
import { SCENARIOS } from './scenarios.js';
import { checkSlo, type Slo, type SloCheck } from './slo.js';

const USAGE = `Usage: npm run loadtest -- --target URL [options]
  --target URL          service or site to load, http://localhost:3000 or https://shop.example.com (required)
  --scenario NAME       a named workload with its objectives (options below still override it):
${Object.entries(SCENARIOS)
  .map(([name, s]) => `                          ${name}: ${s.description}`)
  .join('\n')}
  --rate N              new shoppers per second (default 2)
  --duration S          seconds of arrivals (default 30); journeys still running get --grace S more (default 10)
  --mix SPEC            journey weights (default browse=70,buy=20,returning=10)
  --think-ms MS         mean pause between a shopper's steps (default 500; 0 = back to back)
  --max-active N        shoppers in flight at most; later arrivals are dropped and reported (default 200)
  --timeout-ms MS       per-request timeout (default 10000)
  --slo-p95-ms MS       fail if p95 over all requests is not below this (default 300)
  --slo-p99-ms MS       fail if p99 over all requests is not below this (default: not checked)
  --slo-errors PCT      fail if the error percentage is not below this (default 1)
  --json FILE           also write the full report as JSON
  --quiet               no progress line
Journeys register accounts and place orders on the target: point it at the local demo or a staging domain.
From one IP the service's rate limits apply (RATE_LIMIT_MAX, AUTH_RATE_LIMIT_MAX): raise them for the run.`;

function number(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderReport(report: LoadTestReport, checks: SloCheck[]): string {
  const ms = (n: number) => n.toFixed(1);
  const row = (s: LoadTestReport['total']) => [
    s.step,
    String(s.count),
    ms(s.p50Ms),
    ms(s.p95Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    `${(s.errorRate * 100).toFixed(2)} %`,
    Object.entries(s.statuses)
      .map(([code, n]) => `${code === '0' ? 'net' : code}:${n}`)
      .join(' '),
  ];
  const rows = [...report.steps, report.total].map(row);
  const sh = report.shoppers;
  const groups =
    report.groups.length > 0
      ? [
          '',
          table(
            ['group', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'statuses'],
            report.groups.map(row),
          ),
        ]
      : [];
  return [
    '',
    `${report.target}: ${report.elapsedSec.toFixed(1)} s, ${report.total.count} requests (${report.requestsPerSec.toFixed(1)}/s)`,
    `shoppers: ${sh.arrived} arrived, ${sh.completed} completed, ${sh.failed} failed, ${sh.dropped} dropped (too many in flight), ${sh.aborted} cut off at the end; ${report.meanActive.toFixed(0)} in flight on average; journeys ${JSON.stringify(report.journeys)}`,
    '',
    table(['step', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'statuses'], rows),
    ...groups,
    ...(report.sampleFailures.length > 0 ? ['', 'first failures:', ...report.sampleFailures.map((f) => `  ${f}`)] : []),
    '',
    table(
      ['SLO', 'measured', 'result'],
      checks.map((c) => [c.objective, c.measured, c.pass ? 'PASS' : 'FAIL']),
    ),
    '',
  ].join('\n');
}

const OPTIONS = {
  target: { type: 'string' },
  scenario: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  mix: { type: 'string' },
  'think-ms': { type: 'string' },
  'max-active': { type: 'string' },
  'timeout-ms': { type: 'string' },
  grace: { type: 'string' },
  'slo-p95-ms': { type: 'string' },
  'slo-p99-ms': { type: 'string' },
  'slo-errors': { type: 'string' },
  json: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

interface Invocation {
  options: LoadTestOptions;
  slo: Slo;
  json?: string;
  quiet: boolean;
}

/** Reads the command line; undefined means --help. Throws on bad usage. */
export function configure(argv: string[]): Invocation | undefined {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) return undefined;
  if (values.target === undefined) throw new Error('--target is required');
  const scenario = values.scenario === undefined ? undefined : SCENARIOS[values.scenario];
  if (values.scenario !== undefined && scenario === undefined) {
    throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got "${values.scenario}"`);
  }
  const preset = scenario?.options;
  if (!/^https?:\/\/[^/]/.test(values.target) || !URL.canParse(values.target)) {
    throw new Error(`--target must be an http:// or https:// URL, got "${values.target}"`);
  }
  const quiet = values.quiet;
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const onProgress = (p: Progress) => {
    const line = `t=${p.elapsedSec.toFixed(0)}s shoppers ${p.arrived} (${p.active} active) requests ${p.requests} errors ${p.errors} p95 ${p.p95Ms.toFixed(0)} ms`;
    if (tty) process.stderr.write(`\r${line.padEnd(100)}`);
    else if (p.elapsedSec - lastLine >= 5) {
      lastLine = p.elapsedSec;
      process.stderr.write(`${line}\n`);
    }
  };
  return {
    options: {
      target: values.target,
      ratePerSec: number(values.rate, 'rate', preset?.ratePerSec ?? 2, 0.01),
      durationSec: number(values.duration, 'duration', preset?.durationSec ?? 30, 1),
      mix: values.mix === undefined ? (preset?.mix ?? DEFAULT_MIX) : parseMix(values.mix),
      thinkMs: number(values['think-ms'], 'think-ms', preset?.thinkMs ?? 500),
      maxActive: number(values['max-active'], 'max-active', preset?.maxActive ?? 200, 1),
      groups: preset?.groups,
      timeoutMs: number(values['timeout-ms'], 'timeout-ms', 10_000, 1),
      graceSec: number(values.grace, 'grace', 10),
      onProgress: quiet ? undefined : onProgress,
    },
    slo: {
      p95Ms: number(values['slo-p95-ms'], 'slo-p95-ms', scenario?.slo.p95Ms ?? 300),
      p99Ms: values['slo-p99-ms'] === undefined ? scenario?.slo.p99Ms : number(values['slo-p99-ms'], 'slo-p99-ms', 0),
      errorRate:
        values['slo-errors'] === undefined
          ? (scenario?.slo.errorRate ?? 0.01)
          : number(values['slo-errors'], 'slo-errors', 1) / 100,
      groupP95Ms: scenario?.slo.groupP95Ms,
    },
    json: values.json,
    quiet,
  };
}

async function main(argv: string[]): Promise<number> {
  let invocation: Invocation | undefined;
  try {
    invocation = configure(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (invocation === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await runLoadTest(invocation.options);
  if (process.stderr.isTTY && !invocation.quiet) process.stderr.write('\n');
  const checks = checkSlo(report, invocation.slo);
  process.stdout.write(renderReport(report, checks));
  if (invocation.json !== undefined) {
    await writeFile(invocation.json, `${JSON.stringify({ ...report, slo: checks }, null, 2)}\n`);
  }
  return checks.every((c) => c.pass) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
