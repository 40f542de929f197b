// The release drills of issue #21 (`npm run lab -- --release`): the two-region lab with shoppers of both
// populations shopping throughout, and releases rolled region by region (primary first, the next region only
// after the refresh in the one before finished Successful) by lab/release.ts.
// - Drill A: a good release through both regions: failed requests shoppers saw, seconds it took.
// - Drill B: bad releases (checkout answering 500; checkout and catalog answering slowly): caught in the first
//   region and rolled back; seconds to detect and to roll back, what shoppers saw meanwhile, acknowledged
//   orders lost, and whether the second region ever ran it.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from './lab.js';
import { acquireLock, LabAlreadyRunning } from './lock.js';
import { AlarmWatch, instanceRefresh, type RefreshResult, type Release, scaledTiming } from './release.js';
import type { HealthPolicy } from './router.js';
import { POPULATIONS, REGIONS, type RttTable } from './rtt.js';
import { Recorder, type Sample, startShopping } from './shoppers.js';

export type ReleaseKind = 'good' | 'checkout-errors' | 'slow-shopper-paths';

export interface ReleaseDrillOptions {
  rtt: RttTable;
  health: HealthPolicy;
  shoppers: number;
  /** The alarms' period in seconds (production 60); checkpoint delay and warm-up scale with it. */
  periodSeconds: number;
  releases: ReleaseKind[];
  /** How long to wait for another lab to finish before giving up. */
  lockWaitSeconds: number;
  log: (line: string) => void;
}

export interface ReleaseDrillResult {
  release: ReleaseKind;
  /** Each region's refresh, in rollout order; a region missing never got the release. */
  refreshes: RefreshResult[];
  rolledOutTo: string[];
  secondsTotal: number;
  /** From the first instance of the release taking shoppers until the alarm. */
  secondsToDetect: number | null;
  /** From the alarm until the release's last instance was gone. */
  secondsToRollBack: number | null;
  /** Requests shoppers saw fail (no answer or 5xx) while the release was in service anywhere. */
  failedRequests: number;
  /** Of the checkout and catalog requests meanwhile, those slower than 1 s. */
  slowRequests: number;
  requests: number;
  /**
   * The failed requests by kind ("checkout → 500 in mumbai": 28): tells the release's own failures (the bad build's
   * 500s) from the machine's (no answer, 502 from a load balancer).
   */
  failures: Record<string, number>;
  /** Regions where an instance of this release ever ran. */
  regionsThatRanIt: string[];
}

export interface ReleaseDrillReport {
  when: string;
  options: Omit<ReleaseDrillOptions, 'rtt' | 'log' | 'health'>;
  timing: ReturnType<typeof scaledTiming>;
  drills: ReleaseDrillResult[];
  acknowledgedOrders: number;
  lostOrders: string[];
  /** The machine's 1-minute load average at the start and the end (2 cores: above 2, figures include queueing). */
  loadAverage: [number, number];
}

const PREVIOUS: Release = { name: 'previous', settings: {} };

function releaseOf(kind: ReleaseKind): Release {
  return kind === 'good' ? { name: 'good', settings: {} } : { name: kind, settings: { LAB_FAULT_INJECTION: kind } };
}

async function lockWhenFree(waitSeconds: number, log: (line: string) => void): Promise<() => void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return acquireLock();
    } catch (err) {
      if (!(err instanceof LabAlreadyRunning) || Date.now() > deadline) throw err;
      log('another lab is running; waiting for it to finish');
      await sleep(2_000);
    }
  }
}

function summarize(kind: ReleaseKind, refreshes: RefreshResult[], samples: Sample[]): ReleaseDrillResult {
  const first = refreshes[0]!;
  const from = first.firstServingAt ?? first.startedAt;
  const to = refreshes.at(-1)!.finishedAt;
  const meanwhile = samples.filter((s) => s.at >= from && s.at <= to);
  const tripped = refreshes.find((r) => r.alarm);
  return {
    release: kind,
    refreshes,
    rolledOutTo: refreshes.filter((r) => r.status === 'Successful').map((r) => r.region),
    secondsTotal: round((to - first.startedAt) / 1000),
    secondsToDetect: tripped?.alarm
      ? round((tripped.alarm.at - (tripped.firstServingAt ?? tripped.startedAt)) / 1000)
      : null,
    secondsToRollBack:
      tripped?.alarm && tripped.rolledBackAt ? round((tripped.rolledBackAt - tripped.alarm.at) / 1000) : null,
    failedRequests: meanwhile.filter(isFailure).length,
    failures: countBy(meanwhile.filter(isFailure), (f) => `${f.step} → ${f.status || 'no answer'} in ${f.region}`),
    slowRequests: meanwhile.filter((s) => ['list', 'product', 'checkout'].includes(s.step) && s.ttfbMs > 1_000).length,
    requests: meanwhile.length,
    regionsThatRanIt: refreshes
      .filter((r) => r.launched.some((l) => l.release === releaseOf(kind).name))
      .map((r) => r.region),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const isFailure = (s: Sample) => s.status === 0 || s.status >= 500;
function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export async function runReleaseDrills(options: ReleaseDrillOptions): Promise<ReleaseDrillReport> {
  const { log } = options;
  const timing = scaledTiming(options.periodSeconds);
  const release = await lockWhenFree(options.lockWaitSeconds, log);
  const loadAtStart = loadavg()[0]!;
  let lab: Lab | undefined;
  try {
    lab = await Lab.start({ rtt: options.rtt, health: options.health, log });
    const recorder = new Recorder();
    const shopping = startShopping(POPULATIONS, options.shoppers, lab, recorder);
    await sleep(2_000); // shoppers signed in and buying before the first release
    const drills: ReleaseDrillResult[] = [];
    for (const kind of options.releases) {
      recorder.phase = `release ${kind}`;
      log(`release ${kind}: rolling out region by region`);
      const refreshes: RefreshResult[] = [];
      // Primary first (it runs the migrations), then each secondary, only after the previous Successful.
      for (const region of REGIONS) {
        const watch = new AlarmWatch(recorder, region, timing.periodMs).start();
        const result = await instanceRefresh(
          lab.regions[region],
          releaseOf(kind),
          PREVIOUS,
          watch,
          timing,
          log,
        ).finally(() => watch.stop());
        refreshes.push(result);
        if (result.status !== 'Successful') {
          log(`release ${kind}: rollout stopped in ${region}`);
          break;
        }
      }
      drills.push(summarize(kind, refreshes, recorder.samples));
      // A release that rolled out becomes what every region runs; its settings are the previous build's (none).
      await sleep(1_000);
    }
    await shopping.stop();
    const ids = recorder.orders.map((o) => o.id);
    const kept = await lab.ordersIn(lab.writerUrl(), ids);
    return {
      when: new Date().toISOString(),
      options: {
        shoppers: options.shoppers,
        periodSeconds: options.periodSeconds,
        releases: options.releases,
        lockWaitSeconds: options.lockWaitSeconds,
      },
      timing,
      drills,
      acknowledgedOrders: ids.length,
      lostOrders: ids.filter((id) => !kept.has(id)),
      loadAverage: [round(loadAtStart), round(loadavg()[0]!)],
    };
  } finally {
    await lab?.destroy().catch(() => {});
    release();
  }
}

/** The drills as a Markdown table for docs/deploy.md ("Releasing"). */
export function releaseDrillMarkdown(report: ReleaseDrillReport): string {
  const rows = report.drills.map(
    (d) =>
      `| ${d.release} | ${d.rolledOutTo.join(', ') || '—'} | ${d.regionsThatRanIt.join(', ')} | ${d.secondsTotal} | ${d.secondsToDetect ?? '—'} | ${d.secondsToRollBack ?? '—'} | ${d.failedRequests} of ${d.requests} | ${d.slowRequests} |`,
  );
  return [
    `Release drills (${report.when}; alarm period ${report.timing.periodMs / 1000} s, checkpoint delay ${report.timing.checkpointDelayMs / 1000} s, warm-up ${report.timing.warmupMs / 1000} s; ${report.options.shoppers} shoppers per population):`,
    '',
    '| release | rolled out to | regions that ran it | seconds | to detect | to roll back | failed requests | slow (> 1 s) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Acknowledged orders: ${report.acknowledgedOrders}, lost: ${report.lostOrders.length}. Machine load average ${report.loadAverage[0]} at the start, ${report.loadAverage[1]} at the end.`,
    ...report.drills
      .filter((d) => d.failedRequests > 0)
      .flatMap((d) => [
        '',
        `Failed requests during ${d.release}: ${Object.entries(d.failures)
          .map(([kind, n]) => `${kind} × ${n}`)
          .join(', ')}.`,
      ]),
  ].join('\n');
}
