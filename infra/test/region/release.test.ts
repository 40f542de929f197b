// The guarded instance refresh of every regional stack (issue #21): how a release rolls out, which alarms stop it,
// and that the group is updated only after those alarms exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLOW_REQUEST_MS } from '../../../service/src/plugins/metrics.js';
import {
  CHECKOUT_ERRORS_METRIC,
  RELEASE_CHECKPOINT_DELAY_SECONDS,
  SLOW_SHOPPER_REQUESTS_METRIC,
} from '../../release-guard.js';
import {
  CHECKOUT_ERRORS_PATTERN,
  SLOW_REQUEST_LOG_MS,
  SLOW_SHOPPER_REQUESTS_PATTERN,
} from '../../region/monitoring.js';
import { byName, eachRegion, T } from './stacks.js';

const filterType = 'aws:cloudwatch/logMetricFilter:LogMetricFilter';

/** The deploy workflow's jobs that `pulumi up` a regional stack, with their steps. */
function regionalDeployJobs(): [string, { strategy?: any; steps: any[] }][] {
  const workflow = parse(readFileSync(new URL('../../../.github/workflows/deploy.yml', import.meta.url), 'utf8'));
  return Object.entries<any>(workflow.jobs).filter(([name]) => name === 'primary' || name === 'secondary');
}

describe('the deploy workflow', () => {
  it('waits for the instance refresh of each region right after its `pulumi up`, from when the deploy started', () => {
    const jobs = regionalDeployJobs();
    expect(jobs.map(([name]) => name)).toEqual(['primary', 'secondary']);
    for (const [, job] of jobs) {
      const ids = job.steps.map((s) => s.id ?? s.name);
      const up = job.steps.findIndex((s) => s.id === 'up');
      expect(job.steps[up].with.command).toBe('up');
      expect(ids.indexOf('started')).toBe(up - 1);
      const wait = job.steps[up + 1];
      expect(wait.run).toContain('scripts/wait-instance-refresh.ts');
      expect(wait.env.SINCE).toBe('${{ steps.started.outputs.at }}');
    }
  });

  it('rolls the secondaries one at a time and stops the queue when one fails', () => {
    const secondary = regionalDeployJobs().find(([name]) => name === 'secondary')![1];
    expect(secondary.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
  });
});

eachRegion((region, run) => {
  describe('release guard', () => {
    const asg = () => byName(run(), T.asg, region, 'service-asg');
    const alarm = (suffix: string) => byName(run(), T.alarm, region, suffix);

    it('replaces one instance at a time, pauses at a canary checkpoint and rolls back by itself', () => {
      const prefs = asg().inputs.instanceRefresh.preferences;
      expect(asg().inputs.instanceRefresh.strategy).toBe('Rolling');
      expect(prefs).toMatchObject({
        minHealthyPercentage: 100,
        maxHealthyPercentage: 200,
        autoRollback: true,
        skipMatching: true,
        checkpointDelay: String(RELEASE_CHECKPOINT_DELAY_SECONDS),
      });
      expect(prefs.checkpointPercentages.at(-1)).toBe(100);
      expect(prefs.checkpointPercentages[0]).toBeLessThan(100);
    });

    it('fails the refresh on the 5xx ratio, readiness, checkout errors and slow checkout or catalog requests', () => {
      const names = [
        'region-5xx-ratio',
        'region-readiness',
        'release-checkout-errors',
        'release-slow-shopper-requests',
      ];
      expect(asg().inputs.instanceRefresh.preferences.alarmSpecification.alarms).toEqual(
        names.map((n) => alarm(n).inputs.name ?? `${region}-${n}`),
      );
    });

    it('updates the group only after the alarms it watches exist', () => {
      const deps = run().optionsOf(T.asg, `${region}-service-asg`).dependencies;
      for (const n of [
        'region-5xx-ratio',
        'region-readiness',
        'release-checkout-errors',
        'release-slow-shopper-requests',
      ]) {
        expect(deps.some((urn) => urn.endsWith(`${T.alarm}::${region}-${n}`))).toBe(true);
      }
    });

    it('exports every stack output the wait step of the deploy workflow reads', () => {
      const read = regionalDeployJobs().flatMap(([, job]) =>
        Object.values<string>(job.steps.find((s: any) => s.run?.includes('wait-instance-refresh'))!.env)
          .map((v) => /steps\.up\.outputs\.(\w+)/.exec(v)?.[1])
          .filter((v): v is string => v !== undefined),
      );
      expect(new Set(read)).toEqual(new Set(['region', 'autoScalingGroupName', 'launchTemplateVersion']));
      for (const key of read) expect(run().outputs).toHaveProperty(key);
      expect(run().outputs.region).toBe(region);
    });

    it('counts slow checkout and catalog requests and checkout 5xx from the service log, 0 in a quiet minute', () => {
      const filters = run().ofType(filterType);
      expect(filters.map((f) => f.inputs.metricTransformation.name).sort()).toEqual(
        [CHECKOUT_ERRORS_METRIC, SLOW_SHOPPER_REQUESTS_METRIC].sort(),
      );
      for (const f of filters) {
        expect(f.inputs.logGroupName).toBe(
          byName(run(), 'aws:cloudwatch/logGroup:LogGroup', region, 'service-logs').inputs.name,
        );
        expect(f.inputs.metricTransformation).toMatchObject({ value: '1', defaultValue: '0' });
      }
      const slow = alarm('release-slow-shopper-requests').inputs;
      const filter = filters.find((f) => f.inputs.metricTransformation.name === SLOW_SHOPPER_REQUESTS_METRIC)!;
      // The alarm reads the metric the filter writes (same namespace, per stack).
      expect([slow.namespace, slow.metricName]).toEqual([
        filter.inputs.metricTransformation.namespace,
        filter.inputs.metricTransformation.name,
      ]);
      expect(slow.treatMissingData).toBe('notBreaching');
    });

    it('filters on the fields and threshold the service logs a slow or failed request with', () => {
      // The service logs only requests slower than SLOW_REQUEST_MS (or 5xx): the filter's threshold is the same.
      expect(SLOW_REQUEST_LOG_MS).toBe(SLOW_REQUEST_MS);
      for (const field of ['$.ms', '$.method', '$.url']) expect(SLOW_SHOPPER_REQUESTS_PATTERN).toContain(field);
      expect(SLOW_SHOPPER_REQUESTS_PATTERN).toContain('"/api/orders*"');
      expect(SLOW_SHOPPER_REQUESTS_PATTERN).toContain('"/api/products*"');
      expect(CHECKOUT_ERRORS_PATTERN).toContain('$.statusCode >= 500');
    });
  });
});
