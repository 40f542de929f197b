// A Route 53 health check that follows a CloudWatch alarm works only with an alarm on one standard-resolution
// metric and a plain statistic: "Route 53 supports CloudWatch alarms with the following features: Standard-
// resolution metrics ... Statistics: Average, Minimum, Maximum, Sum, and SampleCount. Extended statistics aren't
// supported" (Route 53 API Reference, AlarmIdentifier). A composite or metric-math alarm has no such metric, so
// region health reaches DNS through single-metric alarms under a CALCULATED check (issue #14, dns.ts). And the
// check must say what missing data means, so a region without data is out of DNS on purpose.
import type { StackValidationPolicy } from '@pulumi/policy';
import { ofType, T } from './types.js';

const ROUTE53_STATISTICS = ['Average', 'Minimum', 'Maximum', 'Sum', 'SampleCount'];

export const route53AlarmHealthChecks: StackValidationPolicy = {
  name: 'route53-alarm-health-checks',
  description:
    'Alarm-based Route 53 health checks follow single-metric standard-resolution N-of-N alarms and treat no data as unhealthy.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    for (const check of ofType(resources, T.healthCheck)) {
      if (check.props.type !== 'CLOUDWATCH_METRIC') continue;
      if (check.props.insufficientDataHealthStatus !== 'Unhealthy') {
        report(
          `${check.name}: insufficientDataHealthStatus must be "Unhealthy" (a region without data stays out of DNS)`,
          check.urn,
        );
      }
      const alarm = (check.propertyDependencies.cloudwatchAlarmName ?? []).find(
        (d) => d.type === T.metricAlarm || d.type === T.compositeAlarm,
      );
      if (!alarm) {
        report(`${check.name}: its cloudwatchAlarmName does not come from an alarm of this stack`, check.urn);
        continue;
      }
      if (alarm.type === T.compositeAlarm) {
        report(
          `${check.name} follows the composite alarm ${alarm.name}; Route 53 needs a single-metric alarm`,
          check.urn,
        );
        continue;
      }
      const p = alarm.props;
      if ((p.metricQueries ?? []).length > 0) {
        report(`${check.name} follows ${alarm.name}, a metric-math alarm`, check.urn);
        continue;
      }
      if (p.extendedStatistic)
        report(`${check.name} follows ${alarm.name}, whose ${p.extendedStatistic} is an extended statistic`, check.urn);
      if (p.statistic && !ROUTE53_STATISTICS.includes(p.statistic))
        report(`${check.name}: statistic ${p.statistic}`, check.urn);
      // Route 53 copies the alarm's configuration without DatapointsToAlarm (Route 53 API Reference,
      // CloudWatchAlarmConfiguration), so it evaluates N of N whatever M the alarm has.
      if (p.datapointsToAlarm !== undefined && Number(p.datapointsToAlarm) !== Number(p.evaluationPeriods ?? 1))
        report(
          `${check.name} follows ${alarm.name}, an "M of N" alarm (${p.datapointsToAlarm} of ${p.evaluationPeriods}); Route 53 evaluates N of N`,
          check.urn,
        );
      if (Number(p.period) < 60)
        report(`${check.name} follows ${alarm.name}, a high-resolution alarm (period ${p.period} s)`, check.urn);
    }
  },
};
