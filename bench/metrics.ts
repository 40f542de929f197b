// Reads counters from the service's Prometheus text at /metrics, so the bench can diff them around a phase.
export type Samples = Map<string, number>;

export async function scrape(baseUrl: string): Promise<Samples> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const samples: Samples = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** Sum of every series of `name` whose labels include all of `labels`. */
export function total(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [series, value] of samples) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

export interface GcSummary {
  /** Wall-clock seconds between the two scrapes. */
  wallSec: number;
  majorCount: number;
  majorSec: number;
  minorCount: number;
  minorSec: number;
}

/**
 * The process's garbage collections between two scrapes (prom-client's default `nodejs_gc_duration_seconds`). A
 * server whose per-request objects die young runs minor collections only, a few major ones a minute; dozens a
 * second means objects are tenured that should not be (V8's allocation-site pretenuring, see service/Dockerfile).
 */
export function gcBetween(before: Samples, after: Samples, wallSec: number): GcSummary {
  const diff = (name: string, kind: string) => total(after, name, { kind }) - total(before, name, { kind });
  return {
    wallSec,
    majorCount: diff('nodejs_gc_duration_seconds_count', 'major'),
    majorSec: diff('nodejs_gc_duration_seconds_sum', 'major'),
    minorCount: diff('nodejs_gc_duration_seconds_count', 'minor'),
    minorSec: diff('nodejs_gc_duration_seconds_sum', 'minor'),
  };
}
