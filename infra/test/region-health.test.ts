// Region health that means "this region can take an order" (issue #14), asserted on the inputs every regional
// stack file sends AWS: the readiness metric the service publishes (same names on both sides, permission to
// publish), the alarms and their composite, and the Route 53 health check of the origin record.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  READINESS_METRIC_NAME as SERVICE_METRIC_NAME,
  cloudWatchPublisher,
} from '../../service/src/plugins/readiness-metric.js';
import { READINESS_DIMENSION, READINESS_METRIC_NAME, READINESS_NAMESPACE } from '../readiness-metric.js';
import { REGION_HEALTH_TIMING } from '../region/monitoring.js';
import { runEveryStack, type StackRun } from './every-stack.js';
import type { RecordedResource } from './mocks.js';
import { REPO_ROOT } from './program.js';

const T = {
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  composite: 'aws:cloudwatch/compositeAlarm:CompositeAlarm',
  healthCheck: 'aws:route53/healthCheck:HealthCheck',
  record: 'aws:route53/record:Record',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  launchTemplate: 'aws:ec2/launchTemplate:LaunchTemplate',
  topic: 'aws:sns/topic:Topic',
} as const;

let regions: StackRun[];

beforeAll(async () => {
  regions = (await runEveryStack()).filter((r) => r.role !== 'global');
}, 240_000);

afterEach(() => vi.restoreAllMocks());

const one = (run: StackRun['run'], type: string, suffix: string): RecordedResource => {
  const found = run.ofType(type).filter((r) => r.name.endsWith(`-${suffix}`));
  expect(found, `${type} *-${suffix}`).toHaveLength(1);
  return found[0]!;
};

describe('the readiness metric, as the service publishes it', () => {
  it('has the name and dimension the alarms read', async () => {
    expect(SERVICE_METRIC_NAME).toBe(READINESS_METRIC_NAME);
    const sent: any[] = [];
    vi.spyOn(CloudWatchClient.prototype, 'send').mockImplementation(async (command: any) => {
      sent.push(command.input);
      return {};
    });
    await cloudWatchPublisher({ namespace: READINESS_NAMESPACE, region: 'eu-west-2' }).publish({
      value: 1,
      timestamp: new Date(0),
    });
    expect(sent).toEqual([
      expect.objectContaining({
        Namespace: READINESS_NAMESPACE,
        MetricData: [
          expect.objectContaining({
            MetricName: READINESS_METRIC_NAME,
            Dimensions: [{ Name: READINESS_DIMENSION, Value: 'eu-west-2' }],
            Value: 1,
          }),
        ],
      }),
    ]);
  });
});

describe('region health in every regional stack', () => {
  it('hands the instances the namespace and lets them publish only there', () => {
    for (const { run } of regions) {
      const script = Buffer.from(one(run, T.launchTemplate, 'service-lt').inputs.userData, 'base64').toString('utf8');
      expect(script).toContain(`readonly READINESS_METRIC_NAMESPACE='${READINESS_NAMESPACE}'`);
      const policy = JSON.parse(one(run, T.rolePolicy, 'instance-policy').inputs.policy);
      const publish = policy.Statement.filter((s: any) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
      expect(publish).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Condition: { StringEquals: { 'cloudwatch:namespace': READINESS_NAMESPACE } },
        }),
      ]);
    }
  });

  // Route 53 copies an alarm's configuration without DatapointsToAlarm (API Reference, CloudWatchAlarmConfiguration):
  // an alarm DNS follows must be N of N, or DNS and the pager would disagree on when the region failed.
  it('alarms when readiness fails on most instances for 3 minutes in a row (N of N), and when no data arrives', () => {
    for (const { stack, run } of regions) {
      const region = run.outputs.region as string;
      expect(one(run, T.alarm, 'region-readiness').inputs, stack).toMatchObject({
        namespace: READINESS_NAMESPACE,
        metricName: READINESS_METRIC_NAME,
        dimensions: { [READINESS_DIMENSION]: region },
        statistic: 'Average',
        threshold: 0.5,
        comparisonOperator: 'LessThanThreshold',
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: 'breaching',
      });
      expect(one(run, T.alarm, 'region-hosts').inputs).toMatchObject({
        metricName: 'HealthyHostCount',
        statistic: 'Minimum',
        threshold: 1,
        treatMissingData: 'breaching',
      });
    }
  });

  it('computes the 5xx ratio of the targets, safe when there are no requests', () => {
    for (const { run } of regions) {
      const ratio = one(run, T.alarm, 'region-5xx-ratio').inputs;
      const queries = ratio.metricQueries as any[];
      expect(queries.map((q) => q.metric?.metricName ?? q.expression)).toEqual([
        'HTTPCode_Target_5XX_Count',
        'RequestCount',
        'IF(FILL(requests, 0) > 0, FILL(errors, 0) / requests, 0)',
      ]);
      expect(queries.filter((q) => q.returnData).map((q) => q.id)).toEqual(['ratio']);
      expect(ratio).toMatchObject({
        threshold: 0.05,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
    }
  });

  it('pages through one composite alarm: no healthy host OR readiness failing OR a sustained 5xx ratio', () => {
    for (const { run } of regions) {
      const composite = one(run, T.composite, 'region-health').inputs;
      const names = ['region-hosts', 'region-readiness', 'region-5xx-ratio'].map((s) => one(run, T.alarm, s).name);
      expect(composite.alarmRule).toBe(names.map((n) => `ALARM("${n}")`).join(' OR '));
      expect(composite.alarmActions).toEqual([expect.stringContaining(one(run, T.topic, 'alarms').name)]);
      expect(composite.okActions).toEqual(composite.alarmActions);
    }
  });

  it('takes the origin record out of DNS when hosts or readiness fail (a CALCULATED check over both alarms)', () => {
    for (const { run } of regions) {
      const parent = one(run, T.healthCheck, 'origin-health');
      const children = run.ofType(T.healthCheck).filter((c) => c !== parent);
      expect(parent.inputs).toMatchObject({ type: 'CALCULATED', childHealthThreshold: children.length });
      expect([...parent.inputs.childHealthchecks].sort()).toEqual(children.map((c) => `${c.name}-id`).sort());
      expect(children.map((c) => c.inputs.cloudwatchAlarmName).sort()).toEqual(
        ['region-hosts', 'region-readiness'].map((s) => one(run, T.alarm, s).name).sort(),
      );
      for (const c of children) {
        expect(c.inputs).toMatchObject({
          type: 'CLOUDWATCH_METRIC',
          insufficientDataHealthStatus: 'Unhealthy',
          cloudwatchAlarmRegion: run.outputs.region,
        });
      }
      expect(one(run, T.record, 'origin-latency').inputs.healthCheckId).toBe(`${parent.name}-id`);
    }
  });

  it('states in docs/failure-modes.md the seconds these settings give', () => {
    expect(REGION_HEALTH_TIMING).toEqual({
      readinessLeaveSeconds: 240,
      readinessReturnSeconds: 120,
      hostsLeaveSeconds: 180,
    });
    const doc = readFileSync(`${REPO_ROOT}docs/failure-modes.md`, 'utf8');
    const row = doc.split('\n').find((l) => l.startsWith('| **Database path lost in one region, in AWS**'));
    expect(row, 'docs/failure-modes.md has the row').toBeDefined();
    expect(row).toContain(`${REGION_HEALTH_TIMING.readinessLeaveSeconds} s`);
    expect(row).toContain(`${REGION_HEALTH_TIMING.readinessReturnSeconds} s`);
  });
});
