// `npm run lab`: the multi-region rehearsal of issue #12 on this machine. `npm run lab -- --help` for options.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { LabAlreadyRunning } from './lock.js';
import { PostgresMissing } from './postgres-cluster.js';
import { DEFAULT_REPORT_DIR, DOCS_REPORT_DIR, writeReport } from './report.js';
import { DEFAULT_RTT_FILE, loadRttTable } from './rtt.js';
import { runReleaseCli } from './release-cli.js';
import { defaultOptions, runRehearsal } from './run.js';

const HELP = `npm run lab -- [options]

Starts two regions on this machine (PostgreSQL primary in "Mumbai", streaming replica in "London", a Redis
and two service instances per region, links delayed by the RTT table, a Route 53-like router), measures
shoppers in India and the UK against one region and against two, measures a London checkout, runs the
drills (London's database path cut, London lost, a switchover to London and back, Mumbai lost with promotion
of the replica), writes the
report and takes everything down again. Everything listens on 127.0.0.1 on free ports.

Options:
  --shoppers <n>            shoppers per population in each phase (default 4; --short: 2)
  --phase-seconds <s>       length of the one-region and two-region phases (default 20; --short: 6)
  --warm-up-seconds <s>     warm-up before measuring (default 5; --short: 2)
  --drill-seconds <s>       shopping before each fault (default 4; --short: 1.5)
  --drill-tail-seconds <s>  shopping after recovery (default 4; --short: 2.5)
  --drill-max-wait <s>      longest wait for recovery in a drill (default 45; --short: 30)
  --health-interval <ms>    router health-check interval (default 1000; --short: 500; Route 53: 10000 or 30000)
  --failure-threshold <n>   consecutive failed/passed checks to flip a region (default 3, as Route 53's)
  --checkout-runs <n>       measured London checkouts (default 5; --short: 2)
  --rtt <file>              the RTT table (default lab/rtt.json)
  --report-dir <dir>        where multi-region.json, .md and .svg go (default test-results/lab/)
  --update-docs             write them into docs/ (the figures the documentation quotes)
  --short                   the short run npm test uses (about a minute of shopping)
  --release                 instead: the release drills of issue #21 (lab/release-drill.ts), report in
                            <report-dir>/release-drill.json and .md
  -h, --help                this text

Environment: PG_BIN (directory of initdb/postgres/pg_basebackup), REDIS_SERVER_BIN, LAB_SERVICE_ROOT (run the
service of another checkout).
`;

const { values } = parseArgs({
  options: {
    shoppers: { type: 'string' },
    'phase-seconds': { type: 'string' },
    'warm-up-seconds': { type: 'string' },
    'drill-seconds': { type: 'string' },
    'drill-max-wait': { type: 'string' },
    'drill-tail-seconds': { type: 'string' },
    'health-interval': { type: 'string' },
    'failure-threshold': { type: 'string' },
    'checkout-runs': { type: 'string' },
    rtt: { type: 'string' },
    'report-dir': { type: 'string' },
    'update-docs': { type: 'boolean', default: false },
    short: { type: 'boolean', default: false },
    release: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function num(name: keyof typeof values, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const short = values.short === true;
const rttFile = resolve(values.rtt ?? DEFAULT_RTT_FILE);
// Where either report goes: test-results/lab/ unless asked (issue #20 item 8).
const reportDir = values['report-dir']
  ? resolve(values['report-dir'])
  : values['update-docs']
    ? DOCS_REPORT_DIR
    : DEFAULT_REPORT_DIR;
if (values.release) {
  process.exit(await runReleaseCli({ short, rttFile, shoppers: values.shoppers, reportDir }));
}
try {
  const rtt = loadRttTable(rttFile);
  const started = Date.now();
  const d = defaultOptions(short);
  const interval = num('health-interval', d.health.intervalMs, 100, 60_000);
  const report = await runRehearsal({
    rtt,
    rttFile,
    shoppers: num('shoppers', d.shoppers, 1, 50),
    warmUpSeconds: num('warm-up-seconds', d.warmUpSeconds, 0, 600),
    phaseSeconds: num('phase-seconds', d.phaseSeconds, 2, 3_600),
    drillLeadSeconds: num('drill-seconds', d.drillLeadSeconds, 1, 600),
    drillTailSeconds: num('drill-tail-seconds', d.drillTailSeconds, 0, 600),
    drillMaxWaitSeconds: num('drill-max-wait', d.drillMaxWaitSeconds, 5, 600),
    checkoutRuns: num('checkout-runs', d.checkoutRuns, 1, 50),
    health: {
      intervalMs: interval,
      failureThreshold: num('failure-threshold', d.health.failureThreshold, 1, 10),
      // A check that has not answered within 1 s has failed: /ready's own deadline for its checks.
      timeoutMs: d.health.timeoutMs,
    },
    log: (line) => console.log(`[lab +${Math.round((Date.now() - started) / 1000)}s] ${line}`),
  });
  const files = await writeReport(report, reportDir);
  console.log(`\nReport: ${files.markdown}\n        ${files.json}\n        ${files.chart}`);
  if (report.processes.stillRunning.length > 0) {
    console.error(`processes the lab started are still running: ${report.processes.stillRunning.join(', ')}`);
    process.exit(1);
  }
} catch (err) {
  if (err instanceof PostgresMissing || err instanceof LabAlreadyRunning) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(`lab failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
}
