// Names AWS limits in length. A name the program computes from the stack and region (stack-scoped names, a
// longer region) can silently cross a limit that only the create call would report. Each row cites the API
// reference of the create call. Names the provider generates (autonaming) are truncated by the provider to fit,
// so only names the program sets are checked.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { T } from './types.js';

interface NameLimit {
  type: string;
  prop: string;
  max: number;
  source: string;
}

export const NAME_LIMITS: NameLimit[] = [
  { type: T.loadBalancer, prop: 'name', max: 32, source: 'ELBv2 CreateLoadBalancer, Name: at most 32 characters' },
  {
    type: T.loadBalancer,
    prop: 'namePrefix',
    max: 6,
    source: 'provider docs aws.lb.LoadBalancer namePrefix: at most 6',
  },
  { type: T.targetGroup, prop: 'name', max: 32, source: 'ELBv2 CreateTargetGroup, Name: at most 32 characters' },
  { type: T.targetGroup, prop: 'namePrefix', max: 6, source: 'provider docs aws.lb.TargetGroup namePrefix: at most 6' },
  {
    type: T.replicationGroup,
    prop: 'replicationGroupId',
    max: 40,
    source: 'ElastiCache CreateReplicationGroup, ReplicationGroupId: 1-40 characters',
  },
  {
    type: T.replicationGroup,
    prop: 'finalSnapshotIdentifier',
    max: 255,
    source: 'ElastiCache CreateSnapshot, SnapshotName',
  },
  {
    type: T.rdsCluster,
    prop: 'clusterIdentifier',
    max: 63,
    source: 'RDS CreateDBCluster, DBClusterIdentifier: 1-63 characters',
  },
  {
    type: T.rdsCluster,
    prop: 'finalSnapshotIdentifier',
    max: 255,
    source: 'RDS DeleteDBCluster, FinalDBSnapshotIdentifier: 1-255 characters',
  },
  {
    type: T.rdsClusterInstance,
    prop: 'identifier',
    max: 63,
    source: 'RDS CreateDBInstance, DBInstanceIdentifier: 1-63 characters',
  },
  {
    type: T.rdsGlobalCluster,
    prop: 'globalClusterIdentifier',
    max: 63,
    source: 'RDS CreateGlobalCluster, GlobalClusterIdentifier: 1-63 characters',
  },
  {
    type: 'aws:rds/subnetGroup:SubnetGroup',
    prop: 'name',
    max: 255,
    source: 'RDS CreateDBSubnetGroup, DBSubnetGroupName: at most 255',
  },
  {
    type: T.rdsClusterParameterGroup,
    prop: 'name',
    max: 255,
    source: 'RDS CreateDBClusterParameterGroup, DBClusterParameterGroupName: 1-255',
  },
  {
    type: 'aws:elasticache/subnetGroup:SubnetGroup',
    prop: 'name',
    max: 255,
    source: 'ElastiCache CreateCacheSubnetGroup, CacheSubnetGroupName: at most 255',
  },
  { type: 'aws:iam/role:Role', prop: 'name', max: 64, source: 'IAM CreateRole, RoleName: 1-64 characters' },
  {
    type: 'aws:iam/role:Role',
    prop: 'namePrefix',
    max: 38,
    source: 'provider docs aws.iam.Role namePrefix: at most 38 (64 minus 26 generated)',
  },
  {
    type: 'aws:iam/instanceProfile:InstanceProfile',
    prop: 'name',
    max: 128,
    source: 'IAM CreateInstanceProfile, InstanceProfileName: 1-128',
  },
  { type: 'aws:iam/policy:Policy', prop: 'name', max: 128, source: 'IAM CreatePolicy, PolicyName: 1-128' },
  { type: T.iamRolePolicy, prop: 'name', max: 128, source: 'IAM PutRolePolicy, PolicyName: 1-128' },
  {
    type: T.bucket,
    prop: 'bucket',
    max: 63,
    source: 'S3 User Guide, "General purpose bucket naming rules": 3-63 characters',
  },
  { type: T.bucket, prop: 'bucketPrefix', max: 37, source: 'provider docs aws.s3.Bucket bucketPrefix: at most 37' },
  { type: 'aws:kms/alias:Alias', prop: 'name', max: 256, source: 'KMS CreateAlias, AliasName: 1-256 characters' },
  {
    type: 'aws:cloudwatch/logGroup:LogGroup',
    prop: 'name',
    max: 512,
    source: 'CloudWatch Logs CreateLogGroup, logGroupName: 1-512',
  },
  { type: T.metricAlarm, prop: 'name', max: 255, source: 'CloudWatch PutMetricAlarm, AlarmName: 1-255' },
  { type: T.compositeAlarm, prop: 'alarmName', max: 255, source: 'CloudWatch PutCompositeAlarm, AlarmName: 1-255' },
  {
    type: 'aws:cloudwatch/dashboard:Dashboard',
    prop: 'dashboardName',
    max: 255,
    source: 'CloudWatch PutDashboard, DashboardName: at most 255',
  },
  { type: T.secret, prop: 'name', max: 512, source: 'Secrets Manager CreateSecret, Name: 1-512' },
  {
    type: T.secret,
    prop: 'namePrefix',
    max: 480,
    source: 'Secrets Manager CreateSecret, Name: 1-512 (prefix + 32 generated)',
  },
  { type: T.ecrRepository, prop: 'name', max: 256, source: 'ECR CreateRepository, repositoryName: 2-256' },
  { type: T.webAcl, prop: 'name', max: 128, source: 'WAFv2 CreateWebACL, Name: 1-128' },
  { type: 'aws:cloudtrail/trail:Trail', prop: 'name', max: 128, source: 'CloudTrail CreateTrail, Name: 3-128' },
  {
    type: T.autoScalingGroup,
    prop: 'name',
    max: 255,
    source: 'EC2 Auto Scaling CreateAutoScalingGroup, AutoScalingGroupName: 1-255',
  },
  { type: T.launchTemplate, prop: 'name', max: 128, source: 'EC2 CreateLaunchTemplate, LaunchTemplateName: 3-128' },
  { type: T.snsTopic, prop: 'name', max: 256, source: 'SNS CreateTopic, Name: up to 256 characters' },
];

export const namesWithinAwsLimits: ResourceValidationPolicy = {
  name: 'names-within-aws-limits',
  description: 'Names the program sets fit the AWS length limits (table in policy/name-lengths.ts).',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    for (const limit of NAME_LIMITS) {
      if (limit.type !== type) continue;
      const value = props[limit.prop];
      if (typeof value === 'string' && value.length > limit.max) {
        report(`${limit.prop} "${value}" is ${value.length} characters; at most ${limit.max} (${limit.source})`);
      }
    }
  },
};
