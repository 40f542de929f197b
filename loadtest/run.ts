// The load-test engine: an open workload. Shoppers arrive at a fixed rate for the duration (each plays one
// journey picked by the mix), whether or not earlier ones have finished, as real traffic does; a cap on shoppers in
// flight keeps the generator itself bounded and counts the arrivals it had to drop. Then in-flight journeys get a
// grace period to finish before they are aborted.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Agent } from 'undici';
import { JOURNEYS, type JourneyEnv, type JourneyName, journeys } from './journeys.js';
import { Shopper, StepFailed } from './shopper.js';
import { type StepSummary, Stats } from './stats.js';

export type Mix = Record<JourneyName, number>;

export interface LoadTestOptions {
  target: string;
  /** New shoppers per second. */
  ratePerSec: number;
  durationSec: number;
  mix: Mix;
  thinkMs: number;
  maxActive: number;
  timeoutMs: number;
  /** How long journeys still running at the end may take to finish. */
  graceSec: number;
  /** Sent with every request, e.g. X-Forwarded-Proto: https when loading one instance behind its load balancer. */
  headers?: Record<string, string>;
  /** Steps summarised together as well, by label (e.g. catalog: list products, next page, view product). */
  groups?: Record<string, readonly string[]>;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  elapsedSec: number;
  arrived: number;
  active: number;
  requests: number;
  errors: number;
  p95Ms: number;
}

export interface LoadTestReport {
  target: string;
  elapsedSec: number;
  /** The arrival period (--duration); elapsedSec adds the grace for the last journeys. */
  arrivalSec: number;
  shoppers: { arrived: number; completed: number; failed: number; dropped: number; aborted: number };
  journeys: Record<string, number>;
  requestsPerSec: number;
  steps: StepSummary[];
  /** The groups of the options, each summarised over its steps together. */
  groups: StepSummary[];
  total: StepSummary;
  /** Shoppers in flight, averaged over the arrival period (sampled every second). */
  meanActive: number;
  /** First few distinct failures, for the operator. */
  sampleFailures: string[];
}

export const DEFAULT_MIX: Mix = { browse: 70, buy: 20, returning: 10 };

export function parseMix(spec: string): Mix {
  const mix: Mix = { browse: 0, buy: 0, returning: 0 };
  for (const part of spec.split(',')) {
    const [name, weight] = part.split('=');
    if (!JOURNEYS.includes(name as JourneyName) || weight === undefined || !/^\d+(\.\d+)?$/.test(weight)) {
      throw new Error(`--mix: "${part}" is not journey=weight with journey one of ${JOURNEYS.join(', ')}`);
    }
    mix[name as JourneyName] = Number(weight);
  }
  if (Object.values(mix).every((w) => w === 0)) throw new Error('--mix: every weight is 0');
  return mix;
}

function chooser(mix: Mix): () => JourneyName {
  const entries = JOURNEYS.map((name) => [name, mix[name]] as const).filter(([, w]) => w > 0);
  const sum = entries.reduce((a, [, w]) => a + w, 0);
  return () => {
    let r = Math.random() * sum;
    for (const [name, w] of entries) {
      r -= w;
      if (r < 0) return name;
    }
    return entries.at(-1)![0];
  };
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestReport> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('--target must be http(s)://');
  const dispatcher = new Agent({ connections: options.maxActive, keepAliveTimeout: 10_000 });
  const stats = new Stats();
  const abort = new AbortController();
  // Every in-flight request and pause listens for the end of the run.
  setMaxListeners(0, abort.signal);
  const env: JourneyEnv = {
    thinkMs: options.thinkMs,
    runId: randomUUID().slice(0, 8),
    accounts: [],
    signal: abort.signal,
  };
  const ctx = {
    target,
    dispatcher,
    stats,
    timeoutMs: options.timeoutMs,
    signal: abort.signal,
    headers: options.headers,
  };
  const choose = chooser(options.mix);
  const counts = { arrived: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
  const byJourney: Record<string, number> = {};
  const failures = new Set<string>();
  const active = new Set<Promise<void>>();

  const arrive = () => {
    counts.arrived++;
    if (active.size >= options.maxActive) {
      counts.dropped++;
      return;
    }
    const name = choose();
    byJourney[name] = (byJourney[name] ?? 0) + 1;
    const p = journeys[name](new Shopper(ctx), env).then(
      () => void counts.completed++,
      (err: unknown) => {
        if (abort.signal.aborted) {
          counts.aborted++;
          return;
        }
        counts.failed++;
        if (failures.size < 5) failures.add(err instanceof StepFailed ? err.message : `${name}: ${String(err)}`);
      },
    );
    active.add(p);
    void p.finally(() => active.delete(p));
  };

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const activeSamples: number[] = [];
  const progress = () => {
    if (elapsed() <= options.durationSec) activeSamples.push(active.size);
    options.onProgress?.({
      elapsedSec: elapsed(),
      arrived: counts.arrived,
      active: active.size,
      requests: stats.requests,
      errors: stats.errors,
      p95Ms: stats.overallP95(),
    });
  };
  const ticker = setInterval(progress, 1000);
  const tickMs = Math.max(5, Math.min(100, 1000 / options.ratePerSec / 2));
  try {
    // Arrivals follow the clock, not the previous arrival, so a slow tick catches up instead of drifting.
    while (elapsed() < options.durationSec) {
      const due = Math.floor(elapsed() * options.ratePerSec) + 1;
      while (counts.arrived < due && elapsed() < options.durationSec) arrive();
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    const graceOver = new Promise((resolve) => setTimeout(resolve, options.graceSec * 1000).unref());
    await Promise.race([Promise.allSettled([...active]), graceOver]);
    abort.abort();
    await Promise.allSettled([...active]);
  } finally {
    clearInterval(ticker);
    progress();
    await dispatcher.close();
  }
  const { steps, total } = stats.summarize();
  const elapsedSec = elapsed();
  return {
    target: options.target,
    elapsedSec,
    arrivalSec: options.durationSec,
    shoppers: counts,
    journeys: byJourney,
    requestsPerSec: total.count / elapsedSec,
    steps,
    groups: Object.entries(options.groups ?? {}).map(([label, steps]) => stats.group(label, steps)),
    total,
    meanActive: activeSamples.length > 0 ? activeSamples.reduce((a, b) => a + b, 0) / activeSamples.length : 0,
    sampleFailures: [...failures],
  };
}
