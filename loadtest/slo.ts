// The service-level objective a run must meet to pass (and so to gate a deploy). Measured over every request of
// the run, as a shopper experiences the whole site.
import type { LoadTestReport } from './run.js';

export interface Slo {
  p95Ms: number;
  p99Ms?: number;
  /** Fraction of requests allowed to fail (0.01 = 1 %). */
  errorRate: number;
  /** p95 objectives of step groups (LoadTestOptions.groups), by label: at most this many ms. */
  groupP95Ms?: Record<string, number>;
}

export interface SloCheck {
  objective: string;
  measured: string;
  pass: boolean;
}

export function checkSlo(report: LoadTestReport, slo: Slo): SloCheck[] {
  const t = report.total;
  const checks: SloCheck[] = [
    { objective: `p95 < ${slo.p95Ms} ms`, measured: `${t.p95Ms.toFixed(1)} ms`, pass: t.p95Ms < slo.p95Ms },
    {
      objective: `errors < ${(slo.errorRate * 100).toFixed(2)} %`,
      measured: `${(t.errorRate * 100).toFixed(2)} %`,
      pass: t.errorRate < slo.errorRate || (slo.errorRate === 0 && t.errors === 0),
    },
    { objective: 'at least one request', measured: String(t.count), pass: t.count > 0 },
  ];
  for (const [label, p95Ms] of Object.entries(slo.groupP95Ms ?? {})) {
    const g = report.groups.find((x) => x.step === label);
    checks.push({
      objective: `${label} p95 ≤ ${p95Ms} ms`,
      measured: g ? `${g.p95Ms.toFixed(1)} ms (${g.count})` : 'no requests',
      pass: g !== undefined && g.count > 0 && g.p95Ms <= p95Ms,
    });
  }
  if (slo.p99Ms !== undefined) {
    checks.splice(1, 0, {
      objective: `p99 < ${slo.p99Ms} ms`,
      measured: `${t.p99Ms.toFixed(1)} ms`,
      pass: t.p99Ms < slo.p99Ms,
    });
  }
  return checks;
}
