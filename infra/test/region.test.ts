// The regional stack under mocks, run three times from stack config alone: mumbai (primary), london (secondary)
// and a made-up third region (secondary). Assertions are on the recorded inputs: what `pulumi up` would ask AWS
// for.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetsBucketName } from '../contract.js';
import { ACCOUNT_ID, type RecordedResource } from './mocks.js';
import type { ProgramRun } from './program.js';
import {
  containsSecret,
  fakeStorefront,
  globalOutputs,
  graph,
  isSecretInput,
  PRIMARY,
  policyOf,
  regionConfig,
  runRegion,
  SECONDARY,
  THIRD,
  thirdRegionConfig,
  unsecret,
  withoutRegion,
} from './region-harness.js';

const T = {
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

const storefront = fakeStorefront();
let mumbai: ProgramRun;
let london: ProgramRun;
let third: ProgramRun;
let runs: [string, ProgramRun][];

beforeAll(async () => {
  const sf = { 'edgecart:storefrontDir': storefront.dir };
  mumbai = await runRegion(regionConfig('mumbai', sf));
  london = await runRegion(regionConfig('london', sf));
  third = await runRegion(thirdRegionConfig(sf));
  runs = [
    [PRIMARY, mumbai],
    [SECONDARY, london],
    [THIRD, third],
  ];
}, 180_000);

afterAll(() => storefront.remove());

/** The logical name of the security group a mock id belongs to (mock ids are `<name>-id`). */
const groupOf = (id: unknown) => String(id).replace(/-id$/, '');
const byName = (run: ProgramRun, type: string, region: string, suffix: string) =>
  run.byName(type, `${region}-${suffix}`);

function userDataOf(run: ProgramRun, region: string): string {
  const lt = byName(run, T.lt, region, 'service-lt');
  return Buffer.from(String(lt.inputs.userData), 'base64').toString('utf8');
}

/** The container environment the script writes (names only, in order). */
function containerEnvNames(script: string): string[] {
  const block = /\{\n([\s\S]*?)\n\} >"\$\{CONF_DIR\}\/service\.env"/.exec(script)?.[1];
  if (!block) throw new Error('no service.env block in the user data');
  return [...block.matchAll(/echo ['"]([A-Z_]+)=/g)].map((m) => m[1]!);
}

describe.each([
  ['mumbai', PRIMARY],
  ['london', SECONDARY],
  ['third', THIRD],
] as const)('%s (%s)', (_stack, region) => {
  const run = () => runs.find(([r]) => r === region)![1];

  describe('security groups, rule by rule', () => {
    const rules = (type: string) =>
      run()
        .ofType(type)
        .map((r) => ({
          group: withoutRegion(groupOf(r.inputs.securityGroupId), region),
          port: r.inputs.fromPort,
          toPort: r.inputs.toPort,
          protocol: r.inputs.ipProtocol,
          peer: r.inputs.referencedSecurityGroupId
            ? withoutRegion(groupOf(r.inputs.referencedSecurityGroupId), region)
            : (r.inputs.prefixListId ?? r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6),
        }))
        .sort((a, b) => `${a.group}${a.port}`.localeCompare(`${b.group}${b.port}`));

    it('lets in only CloudFront to the ALB, the ALB to the instances, the instances to the data stores', () => {
      expect(rules(T.ingress)).toEqual([
        { group: '<region>-alb-sg', port: 443, toPort: 443, protocol: 'tcp', peer: `pl-cloudfront-${region}` },
        { group: '<region>-cache-sg', port: 6379, toPort: 6379, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-db-sg', port: 5432, toPort: 5432, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-endpoints-sg', port: 443, toPort: 443, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-instance-sg', port: 3000, toPort: 3000, protocol: 'tcp', peer: '<region>-alb-sg' },
      ]);
    });

    it('lets out only what each tier needs', () => {
      expect(rules(T.egress)).toEqual([
        { group: '<region>-alb-sg', port: 3000, toPort: 3000, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-instance-sg', port: 443, toPort: 443, protocol: 'tcp', peer: '0.0.0.0/0' },
        { group: '<region>-instance-sg', port: 5432, toPort: 5432, protocol: 'tcp', peer: '<region>-db-sg' },
        { group: '<region>-instance-sg', port: 6379, toPort: 6379, protocol: 'tcp', peer: '<region>-cache-sg' },
      ]);
    });

    it('has no inline rules, no SSH and nothing open to the internet', () => {
      for (const sg of run().ofType(T.sg)) {
        expect(sg.inputs.ingress ?? []).toEqual([]);
        expect(sg.inputs.egress ?? []).toEqual([]);
      }
      for (const r of run().ofType(T.ingress)) {
        expect(r.inputs.cidrIpv4).toBeUndefined();
        expect(r.inputs.cidrIpv6).toBeUndefined();
        expect(r.inputs.fromPort).not.toBe(22);
      }
    });

    it('takes the ALB source from the CloudFront origin-facing managed prefix list', () => {
      const lookups = run().invokes.filter((i) => i.token === 'aws:ec2/getManagedPrefixList:getManagedPrefixList');
      expect(lookups.map((i) => i.inputs.name)).toEqual(['com.amazonaws.global.cloudfront.origin-facing']);
    });
  });

  describe('network', () => {
    it('spans 3 AZs with public, private and isolated subnets, a NAT per AZ and the stack CIDR', () => {
      const vpc = byName(run(), T.vpc, region, 'vpc');
      expect(vpc.inputs.availabilityZoneNames).toEqual([`${region}a`, `${region}b`, `${region}c`]);
      expect(vpc.inputs.subnetSpecs.map((s: { type: string }) => s.type)).toEqual(['Public', 'Private', 'Isolated']);
      expect(vpc.inputs.natGateways).toEqual({ strategy: 'OnePerAz' });
      expect(vpc.inputs.cidrBlock).toBe(
        region === THIRD ? '10.40.0.0/16' : region === PRIMARY ? '10.20.0.0/16' : '10.30.0.0/16',
      );
    });

    it('has an S3 gateway endpoint on every route table and private interface endpoints', () => {
      const endpoints = run().ofType(T.endpoint);
      const s3 = endpoints.find((e) => e.inputs.serviceName === `com.amazonaws.${region}.s3`)!;
      expect(s3.inputs.vpcEndpointType).toBe('Gateway');
      expect(s3.inputs.routeTableIds).toHaveLength(9);
      const services = endpoints.filter((e) => e.inputs.vpcEndpointType === 'Interface');
      expect(services.map((e) => e.inputs.serviceName.replace(`com.amazonaws.${region}.`, '')).sort()).toEqual(
        ['ec2messages', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'ssmmessages'].sort(),
      );
      for (const e of services) {
        expect(e.inputs.privateDnsEnabled).toBe(true);
        expect(e.inputs.subnetIds).toEqual(['a', 'b', 'c'].map((s) => `subnet-private-${region}${s}`));
      }
    });

    it('logs every flow', () => {
      const flowLog = byName(run(), 'aws:ec2/flowLog:FlowLog', region, 'flow-log');
      expect(flowLog.inputs.trafficType).toBe('ALL');
      expect(flowLog.inputs.vpcId).toBe(`vpc-${region}-vpc`);
    });
  });

  describe('load balancer', () => {
    it('is HTTPS only with TLS 1.3, drops invalid headers and is protected from deletion', () => {
      const alb = byName(run(), T.alb, region, 'alb');
      expect(alb.inputs.dropInvalidHeaderFields).toBe(true);
      expect(alb.inputs.enableDeletionProtection).toBe(true);
      expect(alb.inputs.subnets).toEqual(['a', 'b', 'c'].map((s) => `subnet-public-${region}${s}`));
      const listeners = run().ofType(T.listener);
      expect(listeners.map((l) => [l.inputs.port, l.inputs.protocol])).toEqual([[443, 'HTTPS']]);
      expect(listeners[0]!.inputs.sslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
      expect(listeners[0]!.inputs.certificateArn).toContain(`${region}-origin-cert`);
    });

    it('answers 403 unless the request carries the CloudFront origin header', () => {
      const listener = run().ofType(T.listener)[0]!;
      expect(listener.inputs.defaultActions).toEqual([
        expect.objectContaining({
          type: 'fixed-response',
          fixedResponse: expect.objectContaining({ statusCode: '403' }),
        }),
      ]);
      const rules = run().ofType(T.rule);
      expect(rules).toHaveLength(1);
      expect(containsSecret(rules[0]!.inputs.conditions)).toBe(true);
      expect(unsecret(rules[0]!.inputs.conditions)).toEqual([
        { httpHeader: { httpHeaderName: 'x-origin-verify', values: ['origin-secret-value'] } },
      ]);
      expect(rules[0]!.inputs.actions).toEqual([
        expect.objectContaining({ type: 'forward', targetGroupArn: expect.stringContaining(`${region}-tg`) }),
      ]);
    });

    it('health-checks /health and drains for 30 s', () => {
      const tg = byName(run(), T.tg, region, 'tg');
      expect(tg.inputs.healthCheck).toMatchObject({ path: '/health', matcher: '200', protocol: 'HTTP' });
      expect(tg.inputs.deregistrationDelay).toBe(30);
      expect(tg.inputs.port).toBe(3000);
      expect(tg.inputs.targetType).toBe('instance');
    });
  });

  describe('compute', () => {
    it('requires IMDSv2 and an encrypted gp3 root volume on Amazon Linux 2023', () => {
      const lt = byName(run(), T.lt, region, 'service-lt');
      expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: 'required', httpEndpoint: 'enabled' });
      expect(lt.inputs.blockDeviceMappings).toEqual([
        expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', volumeType: 'gp3' }) }),
      ]);
      expect(lt.inputs.imageId).toBe(`ami-al2023-${region}`);
      const ami = run().invokes.find((i) => i.token === 'aws:ssm/getParameter:getParameter')!;
      expect(ami.inputs.name).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
      expect(lt.inputs.keyName).toBeUndefined();
    });

    it('runs 2/2/10 in the private subnets with ELB health checks', () => {
      const asg = byName(run(), T.asg, region, 'service-asg');
      expect([asg.inputs.minSize, asg.inputs.desiredCapacity, asg.inputs.maxSize]).toEqual([2, 2, 10]);
      expect(asg.inputs.vpcZoneIdentifiers).toEqual(['a', 'b', 'c'].map((s) => `subnet-private-${region}${s}`));
      expect(asg.inputs.healthCheckType).toBe('ELB');
      expect(asg.inputs.targetGroupArns).toEqual([expect.stringContaining(`${region}-tg`)]);
    });

    it('rolls out a new launch template version by instance refresh, pinned, never $Latest', () => {
      const asg = byName(run(), T.asg, region, 'service-asg');
      expect(asg.inputs.launchTemplate.version).toBe('1');
      expect(asg.inputs.launchTemplate.version).not.toMatch(/\$(Latest|Default)/);
      expect(asg.inputs.instanceRefresh.strategy).toBe('Rolling');
      expect(asg.inputs.instanceRefresh.preferences.minHealthyPercentage).toBeGreaterThanOrEqual(90);
      expect(asg.inputs.instanceRefresh.preferences.autoRollback).toBe(true);
    });

    it('tracks CPU at 50% and ALB requests per target at 1000', () => {
      const policies = run()
        .ofType(T.policy)
        .map((p) => p.inputs.targetTrackingConfiguration);
      expect(policies).toEqual([
        { predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' }, targetValue: 50 },
        {
          predefinedMetricSpecification: {
            predefinedMetricType: 'ALBRequestCountPerTarget',
            resourceLabel: `app/${region}-alb/50dc6c495c0c9188/targetgroup/${region}-tg/73e2d6bc24d8a067`,
          },
          targetValue: 1000,
        },
      ]);
    });
  });

  describe('data stores', () => {
    it('runs Redis with a replica in another AZ, automatic failover, TLS, encryption at rest, AUTH and snapshots', () => {
      const redis = byName(run(), T.redis, region, 'redis');
      expect(redis.inputs).toMatchObject({
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        port: 6379,
      });
      expect(isSecretInput(redis.inputs.authToken)).toBe(true);
      expect(unsecret(redis.inputs.authToken)).toMatch(/^p{64}$/);
      expect(new Set(redis.inputs.preferredCacheClusterAzs).size).toBe(2);
      expect(redis.inputs.snapshotRetentionLimit).toBeGreaterThanOrEqual(1);
      expect(redis.inputs.kmsKeyId).toContain(`${region}-key`);
      expect(run().optionsOf(T.redis, `${region}-redis`).protect).toBe(true);
    });

    it('encrypts Aurora with the regional key, protects it and keeps 7 days of backups and a final snapshot', () => {
      const cluster = byName(run(), T.cluster, region, 'aurora');
      expect(cluster.inputs).toMatchObject({
        engine: 'aurora-postgresql',
        engineVersion: '16.6',
        globalClusterIdentifier: 'edgecart-global',
        storageEncrypted: true,
        deletionProtection: true,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: false,
      });
      expect(cluster.inputs.kmsKeyId).toContain(`${region}-key`);
      expect(cluster.inputs.finalSnapshotIdentifier).toContain(region);
      expect(cluster.inputs.dbSubnetGroupName).toBe(`${region}-db-subnets`);
      expect(cluster.inputs.vpcSecurityGroupIds).toEqual([`${region}-db-sg-id`]);
      expect(run().optionsOf(T.cluster, `${region}-aurora`).protect).toBe(true);
      for (const instance of run().ofType(T.instance)) {
        expect(instance.inputs.performanceInsightsEnabled).toBe(true);
        expect(instance.inputs.publiclyAccessible).toBe(false);
        expect(run().optionsOf(T.instance, instance.name).protect).toBe(true);
      }
    });

    it('forces TLS and read-your-writes consistency for forwarded writes', () => {
      const params = byName(run(), T.params, region, 'db-cluster-params');
      expect(params.inputs.family).toBe('aurora-postgresql16');
      expect(params.inputs.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
          expect.objectContaining({ name: 'apg_write_forward.consistency_mode', value: 'SESSION' }),
        ]),
      );
    });

    it('keeps the assets bucket private, versioned, encrypted, TLS-only and readable by CloudFront alone', () => {
      const bucket = byName(run(), T.bucket, region, 'assets');
      expect(bucket.inputs.bucket).toBe(assetsBucketName(ACCOUNT_ID, region));
      expect(run().optionsOf(T.bucket, `${region}-assets`).protect).toBe(true);
      expect(
        byName(run(), 'aws:s3/bucketVersioning:BucketVersioning', region, 'assets-versioning').inputs,
      ).toMatchObject({ versioningConfiguration: { status: 'Enabled' } });
      expect(
        byName(run(), 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', region, 'assets-public-access').inputs,
      ).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        byName(run(), 'aws:s3/bucketOwnershipControls:BucketOwnershipControls', region, 'assets-ownership').inputs.rule,
      ).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
      const sse = byName(
        run(),
        'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
        region,
        'assets-encryption',
      );
      expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe('AES256');
      const policy = policyOf(byName(run(), 'aws:s3/bucketPolicy:BucketPolicy', region, 'assets-policy'));
      expect(policy.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'AWS:SourceArn': globalOutputs().distributionArn } },
        }),
      ]);
    });

    it('uploads the storefront into its own bucket', () => {
      const objects = run().ofType(T.object);
      expect(objects.map((o) => o.inputs.key).sort()).toEqual(['assets/index-AbCd1234.js', 'index.html']);
      for (const o of objects) expect(o.inputs.bucket).toBe(assetsBucketName(ACCOUNT_ID, region));
    });
  });

  describe('DNS', () => {
    it('adds a latency record in its own region, aliased to its ALB, guarded by an alarm-based health check', () => {
      const record = byName(run(), T.record, region, 'origin-latency');
      expect(record.inputs).toMatchObject({
        zoneId: 'Z0SHOPEXAMPLE',
        name: 'origin.shop.example.com',
        type: 'A',
        setIdentifier: region,
        latencyRoutingPolicies: [{ region }],
        healthCheckId: `${region}-origin-health-id`,
      });
      expect(record.inputs.aliases).toEqual([
        {
          name: `${region}-alb-1234567890.${region}.elb.amazonaws.com`,
          zoneId: 'ZELBMOCK',
          evaluateTargetHealth: true,
        },
      ]);
      const check = byName(run(), T.healthCheck, region, 'origin-health');
      expect(check.inputs).toMatchObject({
        type: 'CLOUDWATCH_METRIC',
        cloudwatchAlarmRegion: region,
        cloudwatchAlarmName: `${region}-region-health`,
        insufficientDataHealthStatus: 'Unhealthy',
      });
      const alarm = byName(run(), T.alarm, region, 'region-health');
      expect(alarm.inputs).toMatchObject({ metricName: 'HealthyHostCount', treatMissingData: 'breaching' });
    });

    it('validates its regional certificate with a record it may share with the other regions', () => {
      expect(byName(run(), T.cert, region, 'origin-cert').inputs).toMatchObject({
        domainName: 'origin.shop.example.com',
        validationMethod: 'DNS',
      });
      const validation = byName(run(), T.record, region, 'origin-cert-validation');
      expect(validation.inputs.allowOverwrite).toBe(true);
      expect(validation.inputs.name).toBe('_x1.origin.shop.example.com.');
    });
  });

  describe('monitoring', () => {
    it('sends alarms to an encrypted topic with an e-mail subscription and keeps a dashboard', () => {
      const topic = byName(run(), 'aws:sns/topic:Topic', region, 'alarms');
      expect(topic.inputs.kmsMasterKeyId).toContain(`${region}-key`);
      const email = byName(run(), 'aws:sns/topicSubscription:TopicSubscription', region, 'alarms-email');
      expect(email.inputs).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com' });
      const metrics = run()
        .ofType(T.alarm)
        .map((a) => a.inputs.metricName);
      expect(metrics).toEqual(
        expect.arrayContaining([
          'HealthyHostCount',
          'HTTPCode_Target_5XX_Count',
          'TargetResponseTime',
          'EngineCPUUtilization',
          'DatabaseMemoryUsagePercentage',
          'CPUUtilization',
          'AuroraGlobalDBReplicationLag',
        ]),
      );
      const board = JSON.parse(
        byName(run(), 'aws:cloudwatch/dashboard:Dashboard', region, 'dashboard').inputs.dashboardBody,
      );
      const shown = JSON.stringify(board);
      for (const m of [
        'TargetResponseTime',
        'HTTPCode_Target_5XX_Count',
        'RequestCount',
        'HealthyHostCount',
        'GroupInServiceInstances',
        'Evictions',
        'AuroraReplicaLag',
        'CacheHitRate',
        'DatabaseConnections',
      ]) {
        expect(shown).toContain(m);
      }
      for (const stat of ['p50', 'p95', 'p99']) expect(shown).toContain(`"stat":"${stat}"`);
    });
  });

  describe('IAM', () => {
    const statements = () =>
      run()
        .ofType(T.rolePolicy)
        .flatMap((p) => policyOf(p).Statement.map((s): Record<string, any> => ({ policy: p.name, ...s })));
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

    it('grants no wildcard action and no broad service wildcard on every resource', () => {
      for (const s of statements()) {
        for (const action of list(s.Action)) {
          expect(action, `${s.policy}`).not.toBe('*');
          expect(String(action), `${s.policy}`).not.toMatch(/:\*$/);
          if (list(s.Resource).includes('*')) expect(action, s.policy).toBe('ecr:GetAuthorizationToken');
        }
      }
    });

    it('lets the instances read only this region’s secrets, write only this region’s logs and assets', () => {
      const policy = policyOf(byName(run(), T.rolePolicy, region, 'instance-policy')).Statement;
      const sid = (s: string) => policy.find((x) => x.Sid === s)!;
      expect(sid('ReadServiceSecrets').Resource).toEqual([
        `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:edgecart-global/database/master-??????`,
        expect.stringContaining(`${region}-redis-auth`),
        expect.stringContaining(`${region}-session-secret`),
      ]);
      expect(sid('EcrPullServiceImage').Resource).toBe(
        `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/edgecart-global/service`,
      );
      expect(sid('UploadProductImages')).toMatchObject({
        Action: ['s3:PutObject'],
        Resource: `arn:aws:s3:::${assetsBucketName(ACCOUNT_ID, PRIMARY)}/assets/products/*`,
      });
      expect(sid('WriteServiceLogs').Resource).toContain(`${region}-service-logs`);
    });

    it('keeps the Redis AUTH token and session secret in this region’s Secrets Manager', () => {
      const names = run()
        .ofType(T.secret)
        .map((s) => s.inputs.namePrefix);
      expect(names.sort()).toEqual([`edgecart/${region}/redis-auth-`, `edgecart/${region}/session-secret-`]);
    });
  });

  describe('user data', () => {
    it('pulls the image by digest from this region’s ECR replica and reads secrets at boot, not from the template', () => {
      const script = userDataOf(run(), region);
      expect(script).toContain(
        `readonly IMAGE='${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/edgecart-global/service@sha256:${'ab'.repeat(32)}'`,
      );
      expect(script).toContain('retry 30 10 docker pull "$IMAGE"');
      expect(script).toContain(`readonly DB_HOST='${region}-aurora.cluster-c0ffee.${region}.rds.amazonaws.com'`);
      expect(script).toContain(
        `readonly DB_READER_HOST='${region}-aurora.cluster-ro-c0ffee.${region}.rds.amazonaws.com'`,
      );
      expect(script).toContain("readonly DB_SECRET_ID='edgecart-global/database/master'");
      expect(script).toContain('--log-driver awslogs');
      expect(script).not.toMatch(/@@[A-Z_]+@@/);
      for (const secret of ['mock-master-password', 'p'.repeat(64), 'origin-secret-value']) {
        expect(script).not.toContain(secret);
      }
    });

    it('gives the container the environment API.md lists, with migrations only in the primary', () => {
      const expected = [
        'NODE_ENV',
        'HOST',
        'PORT',
        'REGION',
        'DATABASE_URL',
        'DATABASE_READ_URL',
        'REDIS_URL',
        'REDIS_KEY_PREFIX',
        'SESSION_SECRET',
        'CACHE_TTL_SECONDS',
        'RATE_LIMIT_MAX',
        'ASSETS_BUCKET',
        'ASSETS_BUCKET_REGION',
        'ASSETS_BASE_URL',
        'LOG_LEVEL',
        'TRUST_PROXY_HOPS',
        'DRAIN_DELAY_MS',
        'SHUTDOWN_GRACE_MS',
        'NODE_EXTRA_CA_CERTS',
        'RUN_MIGRATIONS',
      ];
      const script = userDataOf(run(), region);
      expect(containerEnvNames(script)).toEqual(expected);
      expect(script).toContain(`readonly RUN_MIGRATIONS='${region === PRIMARY ? 'true' : 'false'}'`);
      // CloudFront then the ALB: the client IP (rate limiting) is the third address from the right.
      expect(script).toContain("echo 'TRUST_PROXY_HOPS=2'");
      // Uploads from every region land in the primary's bucket, which replicates to the others.
      expect(script).toContain(`readonly ASSETS_BUCKET='${assetsBucketName(ACCOUNT_ID, PRIMARY)}'`);
      expect(script).toContain(`readonly ASSETS_BUCKET_REGION='${PRIMARY}'`);
      expect(script).toContain("readonly ASSETS_BASE_URL='https://shop.example.com/assets'");
      expect(script).toContain(`readonly REDIS_HOST='master.edgecart-${region}.c0ffee.${region}.cache.amazonaws.com'`);
    });

    const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
    it.skipIf(!shellcheck)(
      'is clean under shellcheck once rendered (skipped only when shellcheck is not installed)',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'edgecart-user-data-'));
        try {
          const file = join(dir, `${region}.sh`);
          writeFileSync(file, userDataOf(run(), region));
          execFileSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
    if (!shellcheck)
      console.warn('shellcheck is not installed: the rendered user data was NOT linted (apt-get install shellcheck)');
  });

  it('names every resource after its region and builds it with that region’s provider', () => {
    for (const r of run().resources) {
      if (r.type === 'pulumi:pulumi:StackReference') continue;
      expect(r.name, r.type).toContain(region);
      if (r.type.startsWith('aws:') && r.type !== T.replication) {
        expect(r.provider ?? '', `${r.type} ${r.name}`).toContain(`::pulumi:providers:aws::${region}::`);
      }
    }
  });
});

describe('regions are identical apart from what config and role decide', () => {
  const diff = (a: string[], b: string[]) => {
    const rest = [...b];
    const onlyA: string[] = [];
    for (const x of a) {
      const i = rest.indexOf(x);
      if (i >= 0) rest.splice(i, 1);
      else onlyA.push(x);
    }
    return { onlyA, onlyB: rest };
  };

  it('primary and secondary differ only by the writer instance', () => {
    expect(diff(graph(mumbai, PRIMARY), graph(london, SECONDARY))).toEqual({
      onlyA: ['aws:rds/clusterInstance:ClusterInstance <region>-aurora-2'],
      onlyB: [],
    });
  });

  it('two secondaries differ only by who owns the asset replication', () => {
    expect(diff(graph(third, THIRD), graph(london, SECONDARY))).toEqual({
      onlyA: [
        'aws:iam/role:Role <region>-assets-replication-role',
        'aws:iam/rolePolicy:RolePolicy <region>-assets-replication-policy',
        'aws:s3/bucketReplicationConfig:BucketReplicationConfig <region>-assets-replication',
        'edgecart:region:AssetReplication <region>-asset-replication',
        'pulumi:providers:aws ap-south-1-from-<region>',
      ],
      onlyB: [],
    });
  });

  it('gives the same resource the same inputs in every region, once region names are taken out', () => {
    // The uploads bucket is the primary's in every region (by design), so it is named, not region-stripped.
    const uploads = assetsBucketName(ACCOUNT_ID, PRIMARY);
    const neutral = (run: ProgramRun, region: string, type: string, suffix: string) =>
      JSON.parse(
        withoutRegion(JSON.stringify(run.byName(type, `${region}-${suffix}`).inputs).split(uploads).join('<uploads>'), region),
      );
    for (const [type, suffix] of [
      [T.tg, 'tg'],
      [T.listener, 'https'],
      [T.alb, 'alb'],
      [T.redis, 'redis'],
      [T.asg, 'service-asg'],
      [T.healthCheck, 'origin-health'],
      [T.record, 'origin-latency'],
      [T.rolePolicy, 'instance-policy'],
    ] as const) {
      expect(neutral(london, SECONDARY, type, suffix), `${type}`).toEqual(neutral(third, THIRD, type, suffix));
      expect(neutral(london, SECONDARY, type, suffix), `${type}`).toEqual(neutral(mumbai, PRIMARY, type, suffix));
    }
  });

  it('makes the primary the writer and a secondary a write-forwarding reader cluster', () => {
    const primary = mumbai.byName(T.cluster, `${PRIMARY}-aurora`).inputs;
    expect(primary).toMatchObject({ databaseName: 'edgecart', masterUsername: 'edgecart' });
    expect(isSecretInput(primary.masterPassword)).toBe(true);
    expect(unsecret(primary.masterPassword)).toBe('mock-master-password');
    // Ready for a switchover: when the primary is demoted it forwards writes at once.
    expect(primary.enableGlobalWriteForwarding).toBe(true);
    expect(mumbai.ofType(T.instance)).toHaveLength(2);
    for (const [region, run] of [
      [SECONDARY, london],
      [THIRD, third],
    ] as const) {
      const secondary = run.byName(T.cluster, `${region}-aurora`).inputs;
      expect(secondary.enableGlobalWriteForwarding).toBe(true);
      expect(secondary.masterPassword).toBeUndefined();
      expect(secondary.masterUsername).toBeUndefined();
      expect(run.ofType(T.instance)).toHaveLength(1);
    }
  });
});

describe('asset replication from the primary to every secondary', () => {
  it('is owned by the last secondary, on the primary bucket, with one rule per secondary', () => {
    expect(mumbai.ofType(T.replication)).toEqual([]);
    expect(london.ofType(T.replication)).toEqual([]);
    const [config] = third.ofType(T.replication) as [RecordedResource];
    expect(config.inputs.bucket).toBe(assetsBucketName(ACCOUNT_ID, PRIMARY));
    expect(config.provider).toContain(`pulumi:providers:aws::${PRIMARY}-from-${THIRD}::`);
    expect(config.inputs.rules).toEqual(
      [SECONDARY, THIRD].map((region, i) =>
        expect.objectContaining({
          id: `to-${region}`,
          priority: i + 1,
          status: 'Enabled',
          deleteMarkerReplication: { status: 'Enabled' },
          destination: expect.objectContaining({ bucket: `arn:aws:s3:::${assetsBucketName(ACCOUNT_ID, region)}` }),
        }),
      ),
    );
    // Written only after this stack's own bucket is versioned (S3 refuses a rule to an unversioned bucket).
    const deps = third.optionsOf(T.replication, `${THIRD}-assets-replication`).dependencies;
    expect(deps.some((urn) => urn.endsWith(`::${THIRD}-assets-versioning`))).toBe(true);
  });

  it('moves to london when london is the only secondary', async () => {
    const sf = fakeStorefront();
    try {
      const run = await runRegion(regionConfig('london', { 'edgecart:storefrontDir': sf.dir }), [PRIMARY, SECONDARY]);
      const [config] = run.ofType(T.replication) as [RecordedResource];
      expect(config.inputs.rules.map((r: { id: string }) => r.id)).toEqual([`to-${SECONDARY}`]);
    } finally {
      sf.remove();
    }
  });
});
