// Observability of one region: an encrypted SNS alarm topic (e-mail when alertEmail is set), alarms on the
// ALB, the fleet, Redis and Aurora, the region-health alarm Route 53 uses, and a CloudWatch dashboard.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type RegionContext, regionalName, stackNamespace } from './context.js';

export interface MonitoringArgs {
  ctx: RegionContext;
  kmsKeyArn: pulumi.Input<string>;
  albArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  autoScalingGroupName: pulumi.Input<string>;
  redisMemberIds: pulumi.Input<string>[];
  dbClusterIdentifier: pulumi.Input<string>;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  /** In ALARM while no healthy target serves this region (or its metrics stop): drives the DNS health check. */
  readonly regionHealthAlarmName: pulumi.Output<string>;
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

    // Missing data counts as breaching: a region whose ALB stops reporting is a region that is down.
    const health = alarm('region-health', {
      alarmDescription: `No healthy service instance behind the ALB in ${region}; Route 53 stops sending traffic here`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'HealthyHostCount',
      dimensions: albTarget,
      statistic: 'Minimum',
      period: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
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
    this.regionHealthAlarmName = health.name;
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
