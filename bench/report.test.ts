// The bench's cost-per-request report: each scenario run against the baseline build is paired with this build's.
import { describe, expect, it } from 'vitest';
import { combineRounds, type Measurement } from './measure.js';
import { BASELINE_SUFFIX, baselineRows, CANDIDATE_SUFFIX } from './report.js';

const m = (name: string, requestsPerSec: number, cpuUsPerRequest?: number): Measurement => ({
  name,
  requestsPerSec,
  p50Ms: 1,
  p99Ms: 2,
  errors: 0,
  requests: requestsPerSec * 5,
  statusCodes: { 200: requestsPerSec * 5 },
  roundRps: [requestsPerSec],
  ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest }),
});

describe('cost per request against a baseline', () => {
  it("pairs each baseline scenario with this build's A/B process, with the CPU difference and both ratios", () => {
    const rows = baselineRows({
      measurements: [
        m('hello-world', 20_000, 30),
        // The cached scenarios' process: not part of the comparison.
        m('list', 1_000, 600),
        m(`list${CANDIDATE_SUFFIX}`, 10_000, 60),
        m(`by id${CANDIDATE_SUFFIX}`, 15_000, 40),
        m(`by id${BASELINE_SUFFIX}`, 16_000, 50),
        m(`list${BASELINE_SUFFIX}`, 12_000, 50),
      ],
    });
    expect(rows).toEqual([
      ['by id', '40', '50', '−10 µs (−20 %)', '0.75', '0.80'],
      ['list', '60', '50', '+10 µs (+20 %)', '0.50', '0.60'],
    ]);
  });

  it('has no rows without a baseline, or when a side was not measured', () => {
    expect(baselineRows({ measurements: [m('hello-world', 1, 1), m('list', 1, 1)] })).toEqual([]);
    expect(
      baselineRows({ measurements: [m('hello-world', 1), m('list', 1), m(`list${BASELINE_SUFFIX}`, 1, 3)] }),
    ).toEqual([]);
  });
});

describe('combineRounds', () => {
  it("takes the median of the rounds' CPU per request, and none when a round lacks it", () => {
    expect(combineRounds([m('a', 3, 90), m('a', 1, 10), m('a', 2, 40)]).cpuUsPerRequest).toBe(40);
    expect(combineRounds([m('a', 1), m('a', 3, 90), m('a', 5, 80)]).cpuUsPerRequest).toBeUndefined();
  });
});
