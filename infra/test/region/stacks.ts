// Shared setup of the regional stack tests: the program run under mocks three times from stack config alone,
// mumbai (primary), london (secondary) and a made-up third region (secondary). Each test file of this folder covers
// one component; assertions are on the recorded inputs, i.e. what `pulumi up` would ask AWS for.
import { afterAll, beforeAll, describe } from 'vitest';
import type { ProgramRun } from '../program.js';
import {
  fakeStorefront,
  PRIMARY,
  regionConfig,
  runRegion,
  SECONDARY,
  THIRD,
  thirdRegionConfig,
} from '../region-harness.js';

export const T = {
  sg: 'aws:ec2/securityGroup:SecurityGroup',
  ingress: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  egress: 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  lt: 'aws:ec2/launchTemplate:LaunchTemplate',
  asg: 'aws:autoscaling/group:Group',
  policy: 'aws:autoscaling/policy:Policy',
  alb: 'aws:lb/loadBalancer:LoadBalancer',
  tg: 'aws:lb/targetGroup:TargetGroup',
  listener: 'aws:lb/listener:Listener',
  rule: 'aws:lb/listenerRule:ListenerRule',
  redis: 'aws:elasticache/replicationGroup:ReplicationGroup',
  cluster: 'aws:rds/cluster:Cluster',
  instance: 'aws:rds/clusterInstance:ClusterInstance',
  params: 'aws:rds/clusterParameterGroup:ClusterParameterGroup',
  bucket: 'aws:s3/bucket:Bucket',
  replication: 'aws:s3/bucketReplicationConfig:BucketReplicationConfig',
  record: 'aws:route53/record:Record',
  healthCheck: 'aws:route53/healthCheck:HealthCheck',
  cert: 'aws:acm/certificate:Certificate',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  vpc: 'awsx:ec2:Vpc',
  endpoint: 'aws:ec2/vpcEndpoint:VpcEndpoint',
  secret: 'aws:secretsmanager/secret:Secret',
  object: 'aws:s3/bucketObjectv2:BucketObjectv2',
} as const;

export interface RegionRuns {
  mumbai: ProgramRun;
  london: ProgramRun;
  third: ProgramRun;
  /** [region, run] for every stack. */
  all: [string, ProgramRun][];
}

/** Runs the three stacks once for the calling test file (in beforeAll) and returns them once resolved. */
export function useRegionRuns(): () => RegionRuns {
  const storefront = fakeStorefront();
  let runs: RegionRuns | undefined;
  beforeAll(async () => {
    const sf = { 'edgecart:storefrontDir': storefront.dir };
    const mumbai = await runRegion(regionConfig('mumbai', sf));
    const london = await runRegion(regionConfig('london', sf));
    const third = await runRegion(thirdRegionConfig(sf));
    runs = {
      mumbai,
      london,
      third,
      all: [
        [PRIMARY, mumbai],
        [SECONDARY, london],
        [THIRD, third],
      ],
    };
  }, 180_000);
  afterAll(() => storefront.remove());
  return () => {
    if (!runs) throw new Error('the regional stacks have not run yet');
    return runs;
  };
}

export const STACKS = [
  ['mumbai', PRIMARY],
  ['london', SECONDARY],
  ['third', THIRD],
] as const;

/** One describe block per stack; `run()` is that stack's run. */
export function eachRegion(body: (region: string, run: () => ProgramRun) => void): void {
  const runs = useRegionRuns();
  describe.each(STACKS)('%s (%s)', (_stack, region) => {
    body(region, () => runs().all.find(([r]) => r === region)![1]);
  });
}

/** The logical name of the security group a mock id belongs to (mock ids are `<name>-id`). */
export const groupOf = (id: unknown) => String(id).replace(/-id$/, '');
export const byName = (run: ProgramRun, type: string, region: string, suffix: string) =>
  run.byName(type, `${region}-${suffix}`);
