// The service-level objective a run must meet to pass (and so to gate a deploy). Measured over every request of
// the run, as a shopper experiences the whole site.
import type { LoadTestReport } from './run.js';

export interface Slo {
  p95Ms: number;
  p99Ms?: number;
  /** Fraction of requests allowed to fail (0.01 = 1 %). */
  errorRate: number;
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
  if (slo.p99Ms !== undefined) {
    checks.splice(1, 0, {
      objective: `p99 < ${slo.p99Ms} ms`,
      measured: `${t.p99Ms.toFixed(1)} ms`,
      pass: t.p99Ms < slo.p99Ms,
    });
  }
  return checks;
}
