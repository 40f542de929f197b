// Percentiles and the per-population, per-step TTFB table the report is made of.
import type { Population } from './rtt.js';
import type { Sample, Step } from './shoppers.js';

/** Nearest-rank percentile (p in 0..100) of `values`; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface TtfbCell {
  p50: number;
  p95: number;
  /** Answered requests (2xx) the percentiles are of. */
  n: number;
  /** Requests that got no 2xx. */
  errors: number;
}

export function ttfb(samples: Sample[]): TtfbCell {
  const ok = samples.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.ttfbMs);
  return {
    p50: round(percentile(ok, 50)),
    p95: round(percentile(ok, 95)),
    n: ok.length,
    errors: samples.length - ok.length,
  };
}

export function byStep(samples: Sample[], population: Population, steps: readonly Step[]): Record<string, TtfbCell> {
  const mine = samples.filter((s) => s.population === population);
  const out: Record<string, TtfbCell> = { all: ttfb(mine.filter((s) => steps.includes(s.step))) };
  for (const step of steps) out[step] = ttfb(mine.filter((s) => s.step === step));
  return out;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Counts of each status (0 = no answer) in `samples`, e.g. {"200": 12, "503": 4, "0": 2}. */
export function statusCounts(samples: Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) out[String(s.status)] = (out[String(s.status)] ?? 0) + 1;
  return out;
}
