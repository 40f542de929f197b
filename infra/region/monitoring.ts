// Observability of one region: an encrypted SNS alarm topic (e-mail when alertEmail is set), alarms on the
// ALB, the fleet, Redis and Aurora, the region-health alarm Route 53 uses, and a CloudWatch dashboard.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { READINESS_DIMENSION, READINESS_METRIC_NAME, READINESS_NAMESPACE } from '../readiness-metric.js';
import {
  CHECKOUT_ERRORS_METRIC,
  CHECKOUT_ERRORS_THRESHOLD,
  RELEASE_METRIC_NAMESPACE,
  SLOW_DATAPOINTS_TO_ALARM,
  SLOW_EVALUATION_PERIODS,
  SLOW_SHOPPER_REQUESTS_METRIC,
  SLOW_SHOPPER_REQUESTS_THRESHOLD,
} from '../release-guard.js';
import { type RegionContext, regionalName, stackNamespace } from './context.js';

/** One minute: standard resolution, the finest period Route 53 accepts for an alarm-based health check. */
export const HEALTH_PERIOD_SECONDS = 60;
/** HealthyHostCount below 1 for this many consecutive minutes. */
export const HOSTS_EVALUATION_PERIODS = 2;
/**
 * Readiness (followed by Route 53): this many consecutive bad minutes, N of N. Route 53 evaluates an alarm-based
 * health check from the alarm's configuration, which it copies without DatapointsToAlarm (Route 53 API Reference,
 * CloudWatchAlarmConfiguration: ComparisonOperator, EvaluationPeriods, MetricName, Namespace, Period, Statistic,
 * Threshold, Dimensions), so an "M of N" alarm would mean N of N to DNS and M of N to the pager.
 */
export const READINESS_EVALUATION_PERIODS = 3;
export const READINESS_DATAPOINTS_TO_ALARM = READINESS_EVALUATION_PERIODS;
/** 5xx ratio (pages, never moves DNS): 3 bad minutes out of the last 5. */
export const ERROR_RATIO_EVALUATION_PERIODS = 5;
export const ERROR_RATIO_DATAPOINTS_TO_ALARM = 3;
/** Average of Ready over the region's instances: below one half, most instances cannot take an order. */
export const READY_THRESHOLD = 0.5;
export const ERROR_RATIO_THRESHOLD = 0.05;
/**
 * TTL resolvers (CloudFront's origin lookups included) keep origin.<domain>: an alias record to an ALB answers with
 * the ELB record's 60 s TTL (Route 53 Developer Guide, "Choosing between alias and non-alias records").
 */
export const ORIGIN_DNS_TTL_SECONDS = 60;

/**
 * How long a region takes to leave DNS and to come back, from the alarms' settings: the alarm needs its breaching
 * minutes, then resolvers drop the answer they cached. Not counted: up to one more minute for the last datapoint to
 * close and the alarm to evaluate, and Route 53's own lag in reading the alarm state (the lab measures the whole).
 */
export const REGION_HEALTH_TIMING = {
  /** Readiness lost on most instances: 3 bad minutes in a row, then the TTL. */
  readinessLeaveSeconds: READINESS_DATAPOINTS_TO_ALARM * HEALTH_PERIOD_SECONDS + ORIGIN_DNS_TTL_SECONDS,
  /** N of N: the first good minute breaks the run of bad ones and clears the alarm; then the TTL. */
  readinessReturnSeconds: HEALTH_PERIOD_SECONDS + ORIGIN_DNS_TTL_SECONDS,
  /** No healthy host: 2 consecutive minutes, then the TTL. */
  hostsLeaveSeconds: HOSTS_EVALUATION_PERIODS * HEALTH_PERIOD_SECONDS + ORIGIN_DNS_TTL_SECONDS,
} as const;

export interface MonitoringArgs {
  ctx: RegionContext;
  kmsKeyArn: pulumi.Input<string>;
  albArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  autoScalingGroupName: pulumi.Input<string>;
  redisMemberIds: pulumi.Input<string>[];
  dbClusterIdentifier: pulumi.Input<string>;
  /** The service's CloudWatch Logs group (compute.ts): the release alarms count its slow and failed requests. */
  serviceLogGroupName: pulumi.Input<string>;
}

/** Requests slower than this are logged by the service (SLOW_REQUEST_MS, service/src/plugins/metrics.ts). */
export const SLOW_REQUEST_LOG_MS = 1_000;

/**
 * Metric filter patterns over the service's JSON log lines (pino: `{"method":"POST","url":"/api/orders",
 * "statusCode":201,"ms":1234,"msg":"request failed or slow"}`), CloudWatch Logs "Using filter patterns to match
 * terms in JSON log events": `$.field`, numeric comparisons, `&&`/`||` and a trailing `*` wildcard in values.
 * `url` carries the query string, hence the wildcard on the catalog.
 */
export const SLOW_SHOPPER_REQUESTS_PATTERN = `{ ($.ms > ${SLOW_REQUEST_LOG_MS}) && ((($.method = "POST") && ($.url = "/api/orders*")) || (($.method = "GET") && ($.url = "/api/products*"))) }`;
export const CHECKOUT_ERRORS_PATTERN = '{ ($.statusCode >= 500) && ($.method = "POST") && ($.url = "/api/orders*") }';

export class Monitoring extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  /** The composite `region-health`: in ALARM while this region cannot take an order (pages the operators). */
  readonly regionHealthAlarmName: pulumi.Output<string>;
  /** The single-metric alarms Route 53's health check follows (hosts, readiness): see dns.ts. */
  readonly dnsHealthAlarmNames: pulumi.Output<string>[];
  /**
   * The alarms that mean "this release hurts shoppers": the instance refresh's alarm specification (compute.ts)
   * fails and rolls back the refresh when any of them goes to ALARM.
   */
  readonly releaseAlarmNames: pulumi.Output<string[]>;
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Monitoring', name, {}, opts);
    const { ctx } = args;
    const { config, region } = ctx;

    const topic = new aws.sns.Topic(
      regionalName(ctx, 'alarms'),
      { displayName: `edgecart alarms ${region}`, kmsMasterKeyId: args.kmsKeyArn },
      { parent: this },
    );
    if (config.alertEmail) {
      new aws.sns.TopicSubscription(
        regionalName(ctx, 'alarms-email'),
        { topic: topic.arn, protocol: 'email', endpoint: config.alertEmail },
        { parent: this },
      );
    }

    const alb = { LoadBalancer: args.albArnSuffix };
    const albTarget = { LoadBalancer: args.albArnSuffix, TargetGroup: args.targetGroupArnSuffix };
    const alarm = (suffix: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmActions' | 'okActions'>) =>
      new aws.cloudwatch.MetricAlarm(
        regionalName(ctx, suffix),
        { alarmActions: [topic.arn], okActions: [topic.arn], ...a },
        { parent: this },
      );

    // Region health (issue #14): "this region can take an order". Three signals, each in ALARM when it fails:
    // - no healthy host behind the ALB (missing data is breaching: an ALB that stops reporting is down);
    // - readiness failing on most instances: the average of the instances' `Ready` (1/0, published every
    //   READINESS_PUBLISH_SECONDS by each instance) below READY_THRESHOLD for 3 minutes in a row (N of N, the only
    //   form Route 53 evaluates as written), so one instance's blip (it is replaced by its own ELB health check) or
    //   one or two bad minutes never move the region; missing data is
    //   breaching: a region whose instances all stop reporting cannot show it serves;
    // - a sustained 5xx ratio of the targets (metric math), 3 of 5 minutes above ERROR_RATIO_THRESHOLD.
    // The composite `region-health` pages on any of them. Route 53 follows hosts and readiness only (see dns.ts):
    // it accepts alarms on one standard-resolution metric with a plain statistic (Route 53 API Reference,
    // AlarmIdentifier), not composite or metric-math alarms, and a 5xx ratio caused by a release is the same in
    // every region (one image), so moving shoppers would not help them; auto-rollback of the instance refresh does.
    const hosts = alarm('region-hosts', {
      alarmDescription: `No healthy service instance behind the ALB in ${region}; Route 53 stops sending traffic here`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'HealthyHostCount',
      dimensions: albTarget,
      statistic: 'Minimum',
      period: HEALTH_PERIOD_SECONDS,
      evaluationPeriods: HOSTS_EVALUATION_PERIODS,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    const readiness = alarm('region-readiness', {
      alarmDescription: `Most service instances in ${region} cannot reach the database writer or Redis (Ready below ${READY_THRESHOLD}); Route 53 stops sending traffic here`,
      namespace: READINESS_NAMESPACE,
      metricName: READINESS_METRIC_NAME,
      dimensions: { [READINESS_DIMENSION]: region },
      statistic: 'Average',
      period: HEALTH_PERIOD_SECONDS,
      evaluationPeriods: READINESS_EVALUATION_PERIODS,
      datapointsToAlarm: READINESS_DATAPOINTS_TO_ALARM,
      threshold: READY_THRESHOLD,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    const errorRatio = alarm('region-5xx-ratio', {
      alarmDescription: `More than ${ERROR_RATIO_THRESHOLD * 100}% of requests answered 5xx by the service in ${region}`,
      metricQueries: [
        {
          id: 'errors',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'HTTPCode_Target_5XX_Count',
            dimensions: alb,
            stat: 'Sum',
            period: HEALTH_PERIOD_SECONDS,
          },
        },
        {
          id: 'requests',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'RequestCount',
            dimensions: alb,
            stat: 'Sum',
            period: HEALTH_PERIOD_SECONDS,
          },
        },
        // FILL: a minute without 5xx has no datapoint; no requests at all is no error ratio.
        {
          id: 'ratio',
          expression: 'IF(FILL(requests, 0) > 0, FILL(errors, 0) / requests, 0)',
          label: '5xx ratio',
          returnData: true,
        },
      ],
      evaluationPeriods: ERROR_RATIO_EVALUATION_PERIODS,
      datapointsToAlarm: ERROR_RATIO_DATAPOINTS_TO_ALARM,
      threshold: ERROR_RATIO_THRESHOLD,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    const health = new aws.cloudwatch.CompositeAlarm(
      regionalName(ctx, 'region-health'),
      {
        alarmName: `${stackNamespace(ctx)}-region-health`,
        alarmDescription: `${region} cannot take an order: no healthy host, readiness failing on most instances, or a sustained 5xx ratio`,
        alarmRule: pulumi.interpolate`ALARM("${hosts.name}") OR ALARM("${readiness.name}") OR ALARM("${errorRatio.name}")`,
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      },
      { parent: this },
    );
    // Release guard (issue #21): what a bad release does to shoppers on the paths that make money, from the
    // service's own log lines (the ALB has no per-path metrics). A minute without a matching line publishes 0.
    // The namespace is the stack's: two environments' stacks in one account and region never share a metric.
    const releaseNamespace = `${RELEASE_METRIC_NAMESPACE}/${stackNamespace(ctx)}`;
    const countLines = (suffix: string, metricName: string, pattern: string) =>
      new aws.cloudwatch.LogMetricFilter(
        regionalName(ctx, suffix),
        {
          logGroupName: args.serviceLogGroupName,
          pattern,
          metricTransformation: {
            namespace: releaseNamespace,
            name: metricName,
            value: '1',
            defaultValue: '0',
            unit: 'Count',
          },
        },
        { parent: this },
      );
    countLines('slow-shopper-requests', SLOW_SHOPPER_REQUESTS_METRIC, SLOW_SHOPPER_REQUESTS_PATTERN);
    countLines('checkout-errors', CHECKOUT_ERRORS_METRIC, CHECKOUT_ERRORS_PATTERN);
    const slowShopperRequests = alarm('release-slow-shopper-requests', {
      alarmDescription: `Checkout or catalog requests slower than ${SLOW_REQUEST_LOG_MS} ms in ${region} (${SLOW_SHOPPER_REQUESTS_THRESHOLD} or more a minute); fails and rolls back a running instance refresh`,
      namespace: releaseNamespace,
      metricName: SLOW_SHOPPER_REQUESTS_METRIC,
      statistic: 'Sum',
      period: HEALTH_PERIOD_SECONDS,
      evaluationPeriods: SLOW_EVALUATION_PERIODS,
      datapointsToAlarm: SLOW_DATAPOINTS_TO_ALARM,
      threshold: SLOW_SHOPPER_REQUESTS_THRESHOLD,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    const checkoutErrors = alarm('release-checkout-errors', {
      alarmDescription: `Checkout answering 5xx in ${region} (${CHECKOUT_ERRORS_THRESHOLD} or more a minute); fails and rolls back a running instance refresh`,
      namespace: releaseNamespace,
      metricName: CHECKOUT_ERRORS_METRIC,
      statistic: 'Sum',
      period: HEALTH_PERIOD_SECONDS,
      evaluationPeriods: SLOW_EVALUATION_PERIODS,
      datapointsToAlarm: SLOW_DATAPOINTS_TO_ALARM,
      threshold: CHECKOUT_ERRORS_THRESHOLD,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });

    alarm('alb-5xx', {
      alarmDescription: `ALB or targets answering 5xx in ${region}`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions: alb,
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: 20,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    alarm('alb-p99-latency', {
      alarmDescription: `p99 target response time above 1.5 s in ${region}`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions: alb,
      extendedStatistic: 'p99',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: 1.5,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    alarm('unhealthy-hosts', {
      alarmDescription: `Unhealthy service instances in ${region}`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: albTarget,
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    args.redisMemberIds.forEach((member, i) => {
      alarm(`redis-${i + 1}-cpu`, {
        alarmDescription: `Redis node ${i + 1} engine CPU above 80% in ${region}`,
        namespace: 'AWS/ElastiCache',
        metricName: 'EngineCPUUtilization',
        dimensions: { CacheClusterId: member },
        statistic: 'Average',
        period: 300,
        evaluationPeriods: 3,
        threshold: 80,
        comparisonOperator: 'GreaterThanThreshold',
      });
      alarm(`redis-${i + 1}-memory`, {
        alarmDescription: `Redis node ${i + 1} memory above 85% in ${region}`,
        namespace: 'AWS/ElastiCache',
        metricName: 'DatabaseMemoryUsagePercentage',
        dimensions: { CacheClusterId: member },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 2,
        threshold: 85,
        comparisonOperator: 'GreaterThanThreshold',
      });
    });
    alarm('aurora-cpu', {
      alarmDescription: `Aurora CPU above 80% in ${region}`,
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBClusterIdentifier: args.dbClusterIdentifier },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 3,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
    });
    // Cross-region lag as this cluster sees it (reported by secondary clusters; absent in the primary).
    alarm('aurora-global-lag', {
      alarmDescription: `Aurora global replication lag above 5 s in ${region}`,
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: args.dbClusterIdentifier },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      threshold: 5000,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });

    const body = pulumi
      .all([
        args.albArnSuffix,
        args.targetGroupArnSuffix,
        args.autoScalingGroupName,
        args.dbClusterIdentifier,
        pulumi.all(args.redisMemberIds),
      ])
      .apply(([lb, tg, asg, db, redis]) => JSON.stringify(dashboard(region, lb, tg, asg, db, redis)));
    const board = new aws.cloudwatch.Dashboard(
      regionalName(ctx, 'dashboard'),
      { dashboardName: stackNamespace(ctx), dashboardBody: body },
      { parent: this },
    );

    this.topicArn = topic.arn;
    this.regionHealthAlarmName = health.alarmName;
    this.dnsHealthAlarmNames = [hosts.name, readiness.name];
    this.releaseAlarmNames = pulumi.all([
      errorRatio.name,
      readiness.name,
      checkoutErrors.name,
      slowShopperRequests.name,
    ]);
    this.dashboardName = board.dashboardName;
    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
  }
}

type Metric = (string | Record<string, string>)[];

function widget(title: string, region: string, metrics: Metric[], x: number, y: number, stat = 'Sum') {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, metrics, stat, period: 60, view: 'timeSeries' },
  };
}

/** The dashboard body: the numbers an on-call engineer looks at first. */
export function dashboard(region: string, lb: string, tg: string, asg: string, db: string, redis: string[]) {
  const elb = 'AWS/ApplicationELB';
  return {
    widgets: [
      widget(
        'ALB latency p50 / p95 / p99 (s)',
        region,
        [
          [elb, 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p50', label: 'p50' }],
          [elb, 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p95', label: 'p95' }],
          [elb, 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p99', label: 'p99' }],
        ],
        0,
        0,
      ),
      widget(
        'Requests and 5xx',
        region,
        [
          [elb, 'RequestCount', 'LoadBalancer', lb],
          [elb, 'HTTPCode_Target_5XX_Count', 'LoadBalancer', lb],
          [elb, 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', lb],
        ],
        12,
        0,
      ),
      widget(
        'Healthy hosts and ASG capacity',
        region,
        [
          [elb, 'HealthyHostCount', 'LoadBalancer', lb, 'TargetGroup', tg, { stat: 'Minimum' }],
          ['AWS/AutoScaling', 'GroupInServiceInstances', 'AutoScalingGroupName', asg, { stat: 'Average' }],
          ['AWS/AutoScaling', 'GroupDesiredCapacity', 'AutoScalingGroupName', asg, { stat: 'Average' }],
        ],
        0,
        6,
        'Average',
      ),
      widget(
        'Redis CPU / memory % / evictions',
        region,
        redis.flatMap((id) => [
          ['AWS/ElastiCache', 'EngineCPUUtilization', 'CacheClusterId', id, { stat: 'Average' }],
          ['AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', 'CacheClusterId', id, { stat: 'Maximum' }],
          ['AWS/ElastiCache', 'Evictions', 'CacheClusterId', id, { stat: 'Sum' }],
        ]),
        12,
        6,
        'Average',
      ),
      // The same questions as the service's Grafana dashboard (cache hit ratio, database pool), from AWS's side.
      widget(
        'Redis cache hit rate % and Aurora connections',
        region,
        [
          ...redis.map((id) => ['AWS/ElastiCache', 'CacheHitRate', 'CacheClusterId', id, { stat: 'Average' }]),
          ['AWS/RDS', 'DatabaseConnections', 'DBClusterIdentifier', db, { stat: 'Maximum' }],
        ],
        12,
        12,
        'Average',
      ),
      widget(
        'Aurora CPU and replica lag (ms)',
        region,
        [
          ['AWS/RDS', 'CPUUtilization', 'DBClusterIdentifier', db, { stat: 'Maximum' }],
          ['AWS/RDS', 'AuroraReplicaLag', 'DBClusterIdentifier', db, { stat: 'Maximum' }],
          ['AWS/RDS', 'AuroraGlobalDBReplicationLag', 'DBClusterIdentifier', db, { stat: 'Maximum' }],
        ],
        0,
        12,
        'Maximum',
      ),
    ],
  };
}
