// Issue #5's targets, evaluated as ratios within one run (so a busy or slow machine moves both sides together).
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
  byIdDb: Measurement;
  stampedeOn: StampedeResult;
  peakRssBytes: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Median over rounds of a's req/s divided by b's in the same round (rounds ran back to back). */
export function roundRatio(a: Measurement, b: Measurement): number {
  const n = Math.min(a.roundRps.length, b.roundRps.length);
  if (n === 0) return ratio(a.requestsPerSec, b.requestsPerSec);
  return median(Array.from({ length: n }, (_, i) => ratio(a.roundRps[i]!, b.roundRps[i]!)));
}
const f2 = (n: number) => n.toFixed(2);

export function evaluate(f: Figures): Check[] {
  const listVsHello = roundRatio(f.listWarm, f.hello);
  const byIdVsHello = roundRatio(f.byIdWarm, f.hello);
  const listVsDb = roundRatio(f.listWarm, f.listDb);
  const byIdVsDb = roundRatio(f.byIdWarm, f.byIdDb);
  const rssMb = f.peakRssBytes / 2 ** 20;
  return [
    { target: 'warm list ≥ 0.40 × hello-world req/s', measured: f2(listVsHello), pass: listVsHello >= 0.4 },
    { target: 'warm by-id ≥ 0.50 × hello-world req/s', measured: f2(byIdVsHello), pass: byIdVsHello >= 0.5 },
    { target: 'warm list p99 ≤ 20 ms', measured: `${f.listWarm.p99Ms} ms`, pass: f.listWarm.p99Ms <= 20 },
    { target: 'warm by-id p99 ≤ 20 ms', measured: `${f.byIdWarm.p99Ms} ms`, pass: f.byIdWarm.p99Ms <= 20 },
    { target: 'warm list ≥ 5 × database path', measured: `${f2(listVsDb)}×`, pass: listVsDb >= 5 },
    { target: 'warm by-id ≥ 5 × database path', measured: `${f2(byIdVsDb)}×`, pass: byIdVsDb >= 5 },
    {
      target: 'stampede, single-flight on: 1 DB query per key',
      measured: `${f.stampedeOn.serviceQueries} (service) / ${f.stampedeOn.databaseQueries} (PostgreSQL)`,
      pass: f.stampedeOn.serviceQueries === 1 && f.stampedeOn.databaseQueries === 1 && f.stampedeOn.errors === 0,
    },
    { target: 'service peak RSS ≤ 250 MB', measured: `${rssMb.toFixed(0)} MB`, pass: rssMb <= 250 },
    {
      target: 'no errors in the measured runs',
      measured: String(f.listWarm.errors + f.byIdWarm.errors + f.listDb.errors + f.byIdDb.errors + f.hello.errors),
      pass: f.listWarm.errors + f.byIdWarm.errors + f.listDb.errors + f.byIdDb.errors + f.hello.errors === 0,
    },
  ];
}
