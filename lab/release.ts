// An instance refresh as EC2 Auto Scaling runs it (issue #21), played on a lab region: instances replaced one at a
// time behind the region's load balancer (launch, warm-up, then the old one drained: minHealthyPercentage 100),
// a pause at the canary checkpoint, the release alarms evaluated the whole time, and on ALARM an automatic
// rollback that replaces the new instances with the previous release the same way. The rules and thresholds are
// production's (infra/release-guard.ts, infra/region/monitoring.ts); only the alarm period is shorter, and the
// checkpoint delay and warm-up shrink by the same factor. The alarms read what the load balancer answered in the
// region (the shoppers' samples), as CloudWatch reads the ALB's metrics and the service's request log lines.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CHECKOUT_ERRORS_THRESHOLD,
  RELEASE_CHECKPOINT_DELAY_SECONDS,
  RELEASE_CHECKPOINT_PERCENTAGES,
  SLOW_DATAPOINTS_TO_ALARM,
  SLOW_EVALUATION_PERIODS,
  SLOW_SHOPPER_REQUESTS_THRESHOLD,
} from '../infra/release-guard.js';
import { SLOW_REQUEST_MS } from '../service/src/plugins/metrics.js';
import type { Region } from './region.js';
import type { Region as RegionName } from './rtt.js';
import type { Recorder, Sample } from './shoppers.js';

/** The region-health 5xx ratio alarm (infra/region/monitoring.ts): above 5 % in 3 of 5 periods. */
export const ERROR_RATIO = { threshold: 0.05, evaluationPeriods: 5, datapointsToAlarm: 3 };

export interface Release {
  name: string;
  /** What the build runs with (a bad build: LAB_FAULT_INJECTION). */
  settings: Record<string, string>;
}

export interface RefreshTiming {
  /** The alarms' period (production: 60 s). */
  periodMs: number;
  /** Warm-up after a new instance is in service, before the old one goes (production: 180 s). */
  warmupMs: number;
  /** The wait at the canary checkpoint (production: RELEASE_CHECKPOINT_DELAY_SECONDS). */
  checkpointDelayMs: number;
}

/** Production's timing with the alarm period shrunk to `periodSeconds`, everything else by the same factor. */
export function scaledTiming(periodSeconds: number): RefreshTiming {
  const scale = periodSeconds / 60;
  return {
    periodMs: periodSeconds * 1000,
    warmupMs: Math.max(1_000, 180 * scale * 1000),
    checkpointDelayMs: RELEASE_CHECKPOINT_DELAY_SECONDS * scale * 1000,
  };
}

interface Rule {
  name: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  breaches(samples: Sample[]): boolean;
}

const failed = (s: Sample) => s.status === 0 || s.status >= 500;
const shopperPath = (s: Sample) => s.step === 'checkout' || s.step === 'list' || s.step === 'product';

/** The alarm specification of the refresh, as rules over one period's samples of the region. */
export const RELEASE_ALARMS: Rule[] = [
  {
    name: '5xx ratio',
    ...ERROR_RATIO,
    breaches: (s) => s.length > 0 && s.filter(failed).length / s.length > ERROR_RATIO.threshold,
  },
  {
    name: 'checkout errors',
    evaluationPeriods: SLOW_EVALUATION_PERIODS,
    datapointsToAlarm: SLOW_DATAPOINTS_TO_ALARM,
    breaches: (s) => s.filter((x) => x.step === 'checkout' && failed(x)).length >= CHECKOUT_ERRORS_THRESHOLD,
  },
  {
    name: 'slow checkout or catalog requests',
    evaluationPeriods: SLOW_EVALUATION_PERIODS,
    datapointsToAlarm: SLOW_DATAPOINTS_TO_ALARM,
    breaches: (s) =>
      s.filter((x) => shopperPath(x) && x.ttfbMs > SLOW_REQUEST_MS).length >= SLOW_SHOPPER_REQUESTS_THRESHOLD,
  },
];

/** CloudWatch for one region: closes a period every periodMs and evaluates each rule's last datapoints. */
export class AlarmWatch {
  private readonly history = new Map<string, boolean[]>();
  private timer?: NodeJS.Timeout;
  private periodStart = Date.now();
  alarm?: { name: string; at: number };

  constructor(
    private readonly recorder: Recorder,
    private readonly region: RegionName,
    private readonly periodMs: number,
    private readonly rules: Rule[] = RELEASE_ALARMS,
  ) {}

  start(): this {
    this.periodStart = Date.now();
    this.timer = setInterval(() => this.closePeriod(), this.periodMs);
    return this;
  }

  private closePeriod(): void {
    const end = Date.now();
    const samples = this.recorder.samples.filter(
      (s) => s.region === this.region && s.at >= this.periodStart && s.at < end,
    );
    this.periodStart = end;
    for (const rule of this.rules) {
      const h = [...(this.history.get(rule.name) ?? []), rule.breaches(samples)].slice(-rule.evaluationPeriods);
      this.history.set(rule.name, h);
      if (!this.alarm && h.filter(Boolean).length >= rule.datapointsToAlarm) this.alarm = { name: rule.name, at: end };
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface RefreshResult {
  region: RegionName;
  release: string;
  status: 'Successful' | 'RollbackSuccessful';
  startedAt: number;
  /** When the first instance of the release took shoppers. */
  firstServingAt?: number;
  /** The alarm that failed the refresh, and when. */
  alarm?: { name: string; at: number };
  /** When the last instance of the release was gone again. */
  rolledBackAt?: number;
  finishedAt: number;
  /** The instances each release had in the region. */
  launched: { name: string; release: string }[];
  /** What the region runs when the refresh is over: each instance and its release. */
  fleetAfter: { name: string; release: string }[];
}

/** Waits `ms`, or less when the alarm fires; true when it did. */
async function waitUnlessAlarm(watch: AlarmWatch, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (watch.alarm) return true;
    await sleep(Math.min(100, until - Date.now()));
  }
  return watch.alarm !== undefined;
}

/** Rolls `release` through `region` (every instance there runs `previous`), watching `watch`. */
export async function instanceRefresh(
  region: Region,
  release: Release,
  previous: Release,
  watch: AlarmWatch,
  timing: RefreshTiming,
  log: (line: string) => void,
): Promise<RefreshResult> {
  const startedAt = Date.now();
  const old = [...region.instances];
  const fresh: Region['instances'] = [];
  const launched: RefreshResult['launched'] = [];
  let firstServingAt: number | undefined;
  const checkpoints = RELEASE_CHECKPOINT_PERCENTAGES.filter((p) => p < 100);
  let tripped = false;
  /** Old instances already terminated (each replaced by fresh[i]). */
  let retired = 0;
  for (const [i, instance] of old.entries()) {
    const name = `${region.name}-${release.name}-${i + 1}`;
    fresh.push(await region.launch(name, release.settings));
    launched.push({ name, release: release.name });
    firstServingAt ??= Date.now();
    log(`${region.name}: ${name} in service`);
    tripped = await waitUnlessAlarm(watch, timing.warmupMs);
    if (tripped) break;
    await region.retire(instance);
    retired++;
    const done = ((i + 1) / old.length) * 100;
    // AWS pauses at the highest checkpoint reached (and skips those passed on the way).
    const reached = checkpoints.filter((p) => p <= done);
    if (reached.length > 0 && i < old.length - 1 && checkpoints.length > 0) {
      checkpoints.splice(0, reached.length);
      log(`${region.name}: checkpoint at ${Math.round(done)} %, waiting ${timing.checkpointDelayMs / 1000} s`);
      tripped = await waitUnlessAlarm(watch, timing.checkpointDelayMs);
      if (tripped) break;
    }
  }
  tripped ||= watch.alarm !== undefined;
  const fleet = () =>
    region.instances.map((i) => ({
      name: i.name,
      release: launched.find((l) => l.name === i.name)?.release ?? previous.name,
    }));
  if (!tripped)
    return {
      region: region.name,
      release: release.name,
      status: 'Successful',
      startedAt,
      firstServingAt,
      finishedAt: Date.now(),
      launched,
      fleetAfter: fleet(),
    };
  log(`${region.name}: ALARM (${watch.alarm!.name}): rolling back to ${previous.name}`);
  // Rollback: each new instance whose old one was already terminated is replaced by the previous release
  // (launch first: never below capacity); one launched on top of a still-running old instance (the alarm came
  // during its warm-up) is only terminated. The fleet is back to its size, all on the previous release.
  for (const [i, instance] of fresh.entries()) {
    if (i < retired) {
      const name = `${region.name}-${previous.name}-rollback-${i + 1}`;
      await region.launch(name, previous.settings);
      launched.push({ name, release: previous.name });
    }
    await region.retire(instance);
  }
  const rolledBackAt = Date.now();
  log(`${region.name}: rolled back in ${((rolledBackAt - watch.alarm!.at) / 1000).toFixed(1)} s`);
  return {
    region: region.name,
    release: release.name,
    status: 'RollbackSuccessful',
    startedAt,
    firstServingAt,
    alarm: watch.alarm,
    rolledBackAt,
    finishedAt: rolledBackAt,
    launched,
    fleetAfter: fleet(),
  };
}
