// The guarded instance refresh of every regional stack (issue #21): how a release rolls out, which alarms stop it,
// and that the group is updated only after those alarms exist.
import { describe, expect, it } from 'vitest';
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
