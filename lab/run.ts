// The whole rehearsal: start the two-region lab, measure one region against two, measure a London checkout,
// run the drills, take everything down, and hand back the figures. Interrupting it (SIGINT, SIGTERM) or an
// error half-way still removes every process and temporary directory it made.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureWebBuild } from '../web/build/build-web.js';
import type { SwitchoverDrill } from './drill-switchover.js';
import { type DrillResult, type RecoveryPoint, runDrills } from './drills.js';
import { Lab } from './lab.js';
import { type EdgeReport, edgeReport } from './edge-report.js';
import { EdgeTier } from './edge-tier.js';
import { checkInternalEndpoints, type InternalEndpointsCheck } from './internal-endpoints.js';
import { acquireLock } from './lock.js';
import { type LondonCheckout, measureLondonCheckout } from './london-checkout.js';
import { findPostgresBin } from './postgres-cluster.js';
import { alive, startedPids, stopAll, track } from './processes.js';
import type { HealthPolicy } from './router.js';
import { POPULATIONS, type Population, type RttEntry, type RttTable } from './rtt.js';
import { serviceCommand, serviceRoot } from './service.js';
import { Recorder, STEPS, startShopping } from './shoppers.js';
import { byStep, round, type TtfbCell } from './stats.js';

export interface RunOptions {
  rtt: RttTable;
  rttFile: string;
  /** Shoppers per population in each phase. */
  shoppers: number;
  warmUpSeconds: number;
  phaseSeconds: number;
  health: HealthPolicy;
  drillLeadSeconds: number;
  /** How long shoppers keep shopping after recovery (long enough to meet what they must redo). */
  drillTailSeconds: number;
  drillMaxWaitSeconds: number;
  checkoutRuns: number;
  log: (line: string) => void;
}

export interface LabReport {
  when: string;
  commit: string;
  serviceBuild: 'compiled' | 'sources';
  options: Omit<RunOptions, 'rtt' | 'log'>;
  rtt: RttEntry[];
  /** TTFB per population and step: Mumbai only, then both regions. */
  ttfb: Record<'oneRegion' | 'twoRegions', Record<Population, Record<string, TtfbCell>>>;
  /**
   * A UK shopper's journey (the sum of the p50 TTFB of its six steps) with one region and with two; the gain
   * must be at least half the UK–Mumbai minus UK–London RTT. The sum, not a pooled median, so a step that got
   * slower in London (a checkout crossing the link several times) counts against it.
   */
  ukGain: { oneRegionJourneyMs: number; twoRegionsJourneyMs: number; gainMs: number; requiredMs: number };
  /**
   * A London checkout with Aurora forwarding the one-statement path whole, and refusing it (the service then
   * falls back to its transaction of forwarded statements, and stays on it for the rest of the run, drills
   * included: the conservative case, since AWS documents neither).
   */
  londonCheckout: Record<'oneStatement' | 'fallback', LondonCheckout>;
  /** Read-your-writes checks made by shoppers in London during the two-region phase. */
  readYourWrites: { checks: number; failures: number };
  drills: DrillResult[];
  failoverTimeline: { at: string; afterSeconds: number }[];
  recoveryPoint: RecoveryPoint;
  /** Drill 4: a planned switchover to London and back. */
  switchover: SwitchoverDrill;
  /** Issue #22: the edge tier's figures (lab/edge-report.ts). */
  edge: EdgeReport;
  /** Issue #23: the statuses of the internal paths on each way in (lab/internal-endpoints.ts). */
  internalEndpoints: InternalEndpointsCheck;
  processes: { started: number; stillRunning: number[] };
  durationSeconds: number;
}

/** The option defaults: a full rehearsal, or the short one `npm test` runs (about a minute of shopping). */
export function defaultOptions(short: boolean) {
  return {
    shoppers: short ? 2 : 4,
    warmUpSeconds: short ? 2 : 5,
    phaseSeconds: short ? 6 : 20,
    drillLeadSeconds: short ? 1.5 : 4,
    drillTailSeconds: short ? 2.5 : 4,
    drillMaxWaitSeconds: short ? 30 : 45,
    checkoutRuns: short ? 2 : 5,
    // The check's timeout stays 1 s (the service's own readiness deadline); a poll starts when the last ended.
    health: { intervalMs: short ? 500 : 1_000, failureThreshold: 3, timeoutMs: 1_000 },
  };
}

/**
 * With a compiled start command, build first unless dist/ is newer than the sources, so the lab never measures
 * a stale build (`npm run bench` builds too).
 */
/** Newest modification time (ms) of the files under `dir` (recursively); 0 when there are none. */
function newest(dir: string): number {
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) latest = Math.max(latest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return latest;
}

/** The built files are newer than every source they are built from (service/, prisma/, package.json). */
function buildIsFresh(root: string, entry: string): boolean {
  const outDir = dirname(join(root, entry));
  if (!existsSync(join(root, entry))) return false;
  const built = Math.min(...readdirSync(outDir).map((f) => statSync(join(outDir, f)).mtimeMs));
  const sources = Math.max(
    newest(join(root, 'service')),
    newest(join(root, 'prisma')),
    statSync(join(root, 'package.json')).mtimeMs,
  );
  return built > sources;
}

async function buildService(log: (line: string) => void): Promise<void> {
  const root = serviceRoot();
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  // npm start runs a built file (not the .ts sources) and there is a build: build it now.
  const entry =
    String(scripts.start ?? '')
      .trim()
      .split(/\s+/)
      .at(-1) ?? '';
  if (!scripts.build || entry.endsWith('.ts')) return;
  if (buildIsFresh(root, entry)) return;
  log('building the service (npm run build)');
  // Asynchronously, so SIGINT is handled while it runs.
  await new Promise<void>((resolve, reject) => {
    const build = execFile('npm', ['run', '--silent', 'build'], { cwd: root }, (err, _stdout, stderr) =>
      err ? reject(new Error(`npm run build failed: ${stderr.trim() || err.message}`)) : resolve(),
    );
    track(build);
  });
}

async function phase(lab: Lab, recorder: Recorder, name: string, seconds: number, shoppers: number): Promise<void> {
  recorder.phase = name;
  const shopping = startShopping(POPULATIONS, shoppers, lab, recorder);
  await sleep(seconds * 1000);
  await shopping.stop();
}

/** The commit the service ran from (LAB_SERVICE_COMMIT when LAB_SERVICE_ROOT is an export without .git). */
function commitOf(): string {
  if (process.env.LAB_SERVICE_COMMIT) return process.env.LAB_SERVICE_COMMIT;
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: serviceRoot(), encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'service', 'prisma'], {
      cwd: serviceRoot(),
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} with uncommitted service changes` : sha;
  } catch {
    return 'unknown';
  }
}

export async function runRehearsal(options: RunOptions): Promise<LabReport> {
  const started = Date.now();
  const { log } = options;
  findPostgresBin(); // one clear line before anything starts
  const release = acquireLock();
  let lab: Lab | undefined;
  let edge: EdgeTier | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: taking the lab down`);
    void (lab?.destroy() ?? Promise.resolve())
      .catch(() => stopAll())
      .finally(() => {
        release();
        process.exit(130);
      });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await buildService(log);
    await ensureWebBuild().catch((err: Error) =>
      log(`storefront build failed (${err.message}); the page step measures its 404`),
    );
    lab = await Lab.start({ rtt: options.rtt, health: options.health, log });
    const recorder = new Recorder();
    log('who reaches /metrics, /ready and /docs: shoppers through the load balancers, the health checks');
    const internalEndpoints = await checkInternalEndpoints(lab);
    log(`warming up for ${options.warmUpSeconds} s`);
    await phase(lab, recorder, 'warm-up', options.warmUpSeconds, options.shoppers);

    log(`one region (Mumbai only) for ${options.phaseSeconds} s`);
    lab.router.enabled = ['mumbai'];
    await phase(lab, recorder, 'one-region', options.phaseSeconds, options.shoppers);
    log(`two regions for ${options.phaseSeconds} s`);
    lab.router.enabled = ['mumbai', 'london'];
    await phase(lab, recorder, 'two-regions', options.phaseSeconds, options.shoppers);

    log('a London checkout, alone on a quiet link: the one-statement path, forwarded whole');
    lab.setWritingSelect('forward');
    const oneStatement = await measureLondonCheckout(lab, options.checkoutRuns);
    log('a London checkout with Aurora refusing the one-statement path: the fallback transaction');
    lab.setWritingSelect('local');
    const fallback = await measureLondonCheckout(lab, options.checkoutRuns);
    const londonCheckout = { oneStatement, fallback };

    // --- issue #22: the edge tier in front of the shoppers from here on, the drills included (lab/edge-tier.ts).
    edge = await EdgeTier.start(lab);
    lab.edge = edge;
    log(`the edge tier (nginx per population) in front of the shoppers: warming up, then ${options.phaseSeconds} s`);
    await phase(lab, recorder, 'edge-warm-up', options.warmUpSeconds, options.shoppers);
    await phase(lab, recorder, 'edge', options.phaseSeconds, options.shoppers);
    // --- end of issue #22's part

    const drillResults = await runDrills(
      lab,
      recorder,
      {
        leadMs: options.drillLeadSeconds * 1000,
        maxWaitMs: options.drillMaxWaitSeconds * 1000,
        tailMs: options.drillTailSeconds * 1000,
        shoppersPerPopulation: options.shoppers,
      },
      log,
    );

    const of = (name: string) => recorder.samples.filter((s) => s.phase === name);
    const table = (name: string) =>
      Object.fromEntries(POPULATIONS.map((p) => [p, byStep(of(name), p, STEPS)])) as Record<
        Population,
        Record<string, TtfbCell>
      >;
    const ttfb = { oneRegion: table('one-region'), twoRegions: table('two-regions') };
    const journey = (cells: Record<string, TtfbCell>) => round(STEPS.reduce((sum, step) => sum + cells[step]!.p50, 0));
    const oneJourney = journey(ttfb.oneRegion.uk);
    const twoJourney = journey(ttfb.twoRegions.uk);
    const ryw = recorder.readYourWrites.filter((r) => r.region === 'london');
    const edgeFigures = edgeReport(
      recorder.samples,
      { withoutEdge: 'two-regions', withEdge: 'edge' },
      edge.rtt,
      drillResults.drills,
    );
    log('taking the lab down');
    await edge.destroy();
    edge = undefined;
    await lab.destroy();
    lab = undefined;
    const pids = startedPids();
    const { rtt: _rtt, log: _log, ...kept } = options;
    return {
      when: new Date(started).toISOString(),
      commit: commitOf(),
      serviceBuild: serviceCommand().build,
      options: kept,
      rtt: options.rtt.entries,
      ttfb,
      ukGain: {
        oneRegionJourneyMs: oneJourney,
        twoRegionsJourneyMs: twoJourney,
        gainMs: round(oneJourney - twoJourney),
        requiredMs: (options.rtt.shopper('uk', 'mumbai') - options.rtt.shopper('uk', 'london')) / 2,
      },
      londonCheckout,
      internalEndpoints,
      readYourWrites: { checks: ryw.length, failures: ryw.filter((r) => !r.ok).length },
      drills: drillResults.drills,
      failoverTimeline: drillResults.failoverTimeline,
      switchover: drillResults.switchover,
      recoveryPoint: drillResults.recoveryPoint,
      edge: edgeFigures,
      processes: { started: pids.length, stillRunning: pids.filter(alive) },
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    if (edge) await edge.destroy().catch(() => {});
    if (lab) await lab.destroy().catch(() => stopAll());
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    release();
  }
}
