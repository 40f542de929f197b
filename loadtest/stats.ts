// Per-step latency and outcome counts for one load-test run. Latencies are kept whole (runs are bounded), so
// percentiles are exact rather than bucketed.

export interface StepSummary {
  step: string;
  count: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses per status code (0 = network error or timeout). */
  statuses: Record<string, number>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** The summary of one step, or of several steps' requests taken together. */
function summarizeStep(
  step: string,
  latencies: readonly number[],
  errors: number,
  statuses: Map<number, number>,
): StepSummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    step,
    count: sorted.length,
    errors,
    errorRate: sorted.length > 0 ? errors / sorted.length : 0,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? 0,
    statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
  };
}

/** Responses per status code, added up over several steps. */
function mergeStatuses(steps: Iterable<StepStats>): Map<number, number> {
  const merged = new Map<number, number>();
  for (const s of steps) for (const [code, n] of s.statuses) merged.set(code, (merged.get(code) ?? 0) + n);
  return merged;
}

class StepStats {
  readonly latencies: number[] = [];
  errors = 0;
  readonly statuses = new Map<number, number>();
}

export class Stats {
  readonly #steps = new Map<string, StepStats>();
  #requests = 0;
  #errors = 0;

  record(step: string, ms: number, status: number, ok: boolean): void {
    let s = this.#steps.get(step);
    if (s === undefined) {
      s = new StepStats();
      this.#steps.set(step, s);
    }
    s.latencies.push(ms);
    s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
    this.#requests++;
    if (!ok) {
      s.errors++;
      this.#errors++;
    }
  }

  get requests(): number {
    return this.#requests;
  }

  get errors(): number {
    return this.#errors;
  }

  /** p95 over every request so far (for the progress line). */
  overallP95(): number {
    const all = [...this.#steps.values()].flatMap((s) => s.latencies).sort((a, b) => a - b);
    return percentile(all, 0.95);
  }

  /** One summary over several steps together, e.g. every catalog read of a journey ("catalog"). */
  group(label: string, steps: readonly string[]): StepSummary {
    const members = steps.map((s) => this.#steps.get(s)).filter((s): s is StepStats => s !== undefined);
    return summarizeStep(
      label,
      members.flatMap((s) => s.latencies),
      members.reduce((a, s) => a + s.errors, 0),
      mergeStatuses(members),
    );
  }

  summarize(): { steps: StepSummary[]; total: StepSummary } {
    const steps = [...this.#steps].map(([name, s]) => summarizeStep(name, s.latencies, s.errors, s.statuses));
    const all = [...this.#steps.values()];
    const total = summarizeStep(
      'all steps',
      all.flatMap((s) => s.latencies),
      this.#errors,
      mergeStatuses(all),
    );
    return { steps, total };
  }
}
