// The targets of issues #5 and #11, evaluated as ratios within one run (so a busy or slow machine moves both sides
// together) or as absolute figures where the issue sets one.
import type { ExpiryResult } from './expiry.js';
import { type Measurement, median } from './measure.js';
import type { StampedeResult } from './stampede.js';

export interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

export interface Figures {
  hello: Measurement;
  listWarm: Measurement;
  byIdWarm: Measurement;
  listDb: Measurement;
  rawPg: Measurement;
  byIdDb: Measurement;
  stampedeOn: StampedeResult;
  expiry: ExpiryResult;
  /** Spawn to /health 200 of every service process of the run. */
  startupsMs: number[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Median over rounds of a's req/s divided by b's in the same round (rounds ran back to back). */
export function roundRatio(a: Measurement, b: Measurement): number {
  const n = Math.min(a.roundRps.length, b.roundRps.length);
  if (n === 0) return ratio(a.requestsPerSec, b.requestsPerSec);
  return median(Array.from({ length: n }, (_, i) => ratio(a.roundRps[i]!, b.roundRps[i]!)));
}
const f2 = (n: number) => n.toFixed(2);

/** Issue #11's memory target, over every service process the run measured (the highest peak counts). */
export function rssCheck(peaks: { name: string; bytes: number }[]): Check {
  const mb = (bytes: number) => bytes / 2 ** 20;
  const highest = Math.max(...peaks.map((p) => p.bytes));
  const each = peaks.map((p) => `${p.name} ${mb(p.bytes).toFixed(0)}`).join(', ');
  return {
    target: 'service peak RSS ≤ 200 MB (#11; every service process measured)',
    measured: `${mb(highest).toFixed(0)} MB (${each})`,
    pass: mb(highest) <= 200,
  };
}

export function evaluate(f: Figures): Check[] {
  const listVsHello = roundRatio(f.listWarm, f.hello);
  const byIdVsHello = roundRatio(f.byIdWarm, f.hello);
  const listVsDb = roundRatio(f.listWarm, f.listDb);
  const byIdVsDb = roundRatio(f.byIdWarm, f.byIdDb);
  const dbVsRawPg = roundRatio(f.listDb, f.rawPg);
  const startup = median(f.startupsMs);
  const e = f.expiry;
  const errors = [f.hello, f.listWarm, f.byIdWarm, f.listDb, f.rawPg, f.byIdDb].reduce((a, m) => a + m.errors, 0);
  return [
    { target: 'warm list ≥ 0.50 × hello-world req/s (#11)', measured: f2(listVsHello), pass: listVsHello >= 0.5 },
    { target: 'warm by-id ≥ 0.65 × hello-world req/s (#11)', measured: f2(byIdVsHello), pass: byIdVsHello >= 0.65 },
    {
      target: 'warm list p99 ≤ 10 ms at 50 connections (#11)',
      measured: `${f.listWarm.p99Ms} ms`,
      pass: f.listWarm.p99Ms <= 10,
    },
    {
      target: 'warm by-id p99 ≤ 10 ms at 50 connections (#11)',
      measured: `${f.byIdWarm.p99Ms} ms`,
      pass: f.byIdWarm.p99Ms <= 10,
    },
    { target: 'cache-off list ≥ 0.5 × raw-pg ceiling (#11)', measured: f2(dbVsRawPg), pass: dbVsRawPg >= 0.5 },
    { target: 'warm list ≥ 5 × database path (#5)', measured: `${f2(listVsDb)}×`, pass: listVsDb >= 5 },
    { target: 'warm by-id ≥ 5 × database path (#5)', measured: `${f2(byIdVsDb)}×`, pass: byIdVsDb >= 5 },
    {
      target: 'stampede, single-flight on: 1 DB query per key (#5)',
      measured: `${f.stampedeOn.serviceQueries} (service) / ${f.stampedeOn.databaseQueries} (PostgreSQL)`,
      pass: f.stampedeOn.serviceQueries === 1 && f.stampedeOn.databaseQueries === 1 && f.stampedeOn.errors === 0,
    },
    {
      target: "seed 003's workload after the first fill: max latency ≤ 100 ms (#11)",
      measured: `${e.maxMs} ms (control without the slow query: ${e.control.maxMs} ms)`,
      pass: e.maxMs <= 100,
    },
    {
      target: "seed 003's workload: one slow query per expiry per instance, 0 errors (#11)",
      measured: `${e.slowQueries} in ${e.durationSec} s (≤ ${e.maxExpiries} expiries), ${e.errors} errors (control: ${e.control.errors})`,
      pass: e.slowQueries >= 1 && e.slowQueries <= e.maxExpiries && e.errors === 0 && e.control.errors === 0,
    },
    {
      target: 'start-up to /health 200 < 1 s (#11; median of the service starts)',
      measured: `${startup.toFixed(0)} ms (${f.startupsMs.map((s) => s.toFixed(0)).join(' / ')})`,
      pass: startup < 1000,
    },
    { target: 'no errors in the measured runs', measured: String(errors), pass: errors === 0 },
  ];
}
