// Type tokens the policies look at, and small readers shared by them. Policies see what the engine sends a
// policy pack: resource inputs after the provider's Check (validateResource) or the resources' state
// (validateStack), with secrets already revealed.
import type { PolicyResource } from '@pulumi/policy';

export const T = {
  securityGroup: 'aws:ec2/securityGroup:SecurityGroup',
  securityGroupRule: 'aws:ec2/securityGroupRule:SecurityGroupRule',
  ingressRule: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  launchTemplate: 'aws:ec2/launchTemplate:LaunchTemplate',
  logDeliverySource: 'aws:cloudwatch/logDeliverySource:LogDeliverySource',
  logDelivery: 'aws:cloudwatch/logDelivery:LogDelivery',
  instance: 'aws:ec2/instance:Instance',
  ebsVolume: 'aws:ebs/volume:Volume',
  rdsCluster: 'aws:rds/cluster:Cluster',
  rdsClusterInstance: 'aws:rds/clusterInstance:ClusterInstance',
  rdsGlobalCluster: 'aws:rds/globalCluster:GlobalCluster',
  rdsClusterParameterGroup: 'aws:rds/clusterParameterGroup:ClusterParameterGroup',
  rdsParameterGroup: 'aws:rds/parameterGroup:ParameterGroup',
  replicationGroup: 'aws:elasticache/replicationGroup:ReplicationGroup',
  bucket: 'aws:s3/bucket:Bucket',
  bucketEncryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  snsTopic: 'aws:sns/topic:Topic',
  secret: 'aws:secretsmanager/secret:Secret',
  kmsKey: 'aws:kms/key:Key',
  zone: 'aws:route53/zone:Zone',
  ecrRepository: 'aws:ecr/repository:Repository',
  autoScalingGroup: 'aws:autoscaling/group:Group',
  webAcl: 'aws:wafv2/webAcl:WebAcl',
  loadBalancer: 'aws:lb/loadBalancer:LoadBalancer',
  targetGroup: 'aws:lb/targetGroup:TargetGroup',
  healthCheck: 'aws:route53/healthCheck:HealthCheck',
  metricAlarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  compositeAlarm: 'aws:cloudwatch/compositeAlarm:CompositeAlarm',
  iamRolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  cachePolicy: 'aws:cloudfront/cachePolicy:CachePolicy',
  distribution: 'aws:cloudfront/distribution:Distribution',
} as const;

/** The shell variables user-data.sh assigns from the program (`readonly NAME='value'`), from base64 user data. */
export function userDataVariables(userData: unknown): Record<string, string> {
  if (typeof userData !== 'string' || userData === '') return {};
  const script = Buffer.from(userData, 'base64').toString('utf8');
  const vars: Record<string, string> = {};
  for (const m of script.matchAll(/^(?:readonly\s+|export\s+)?([A-Z][A-Z0-9_]*)='((?:[^']|'\\'')*)'\s*$/gm)) {
    vars[m[1]!] = m[2]!.replaceAll(`'\\''`, `'`);
  }
  return vars;
}

/** The resources of one type in a stack. */
export function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}
