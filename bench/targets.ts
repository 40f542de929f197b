// Issue #5's targets, evaluated as ratios within one run (so a busy or slow machine moves both sides together).
import type { Measurement } from './measure.js';
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
const f2 = (n: number) => n.toFixed(2);

export function evaluate(f: Figures): Check[] {
  const listVsHello = ratio(f.listWarm.requestsPerSec, f.hello.requestsPerSec);
  const byIdVsHello = ratio(f.byIdWarm.requestsPerSec, f.hello.requestsPerSec);
  const listVsDb = ratio(f.listWarm.requestsPerSec, f.listDb.requestsPerSec);
  const byIdVsDb = ratio(f.byIdWarm.requestsPerSec, f.byIdDb.requestsPerSec);
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
