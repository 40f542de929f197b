// ElastiCache Redis: a primary and ≥ 1 replica spread over the AZs, Multi-AZ with automatic failover, TLS in
// transit, encryption at rest with the regional key, AUTH token, daily snapshots.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { type RegionContext, regionalName, stackNamespace } from './context.js';

export interface CacheArgs {
  ctx: RegionContext;
  availabilityZoneNames: string[];
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  authToken: pulumi.Input<string>;
}

export const REDIS_ENGINE_VERSION = '7.1';
export const REDIS_PORT = 6379;

export class Cache extends pulumi.ComponentResource {
  readonly replicationGroupId: pulumi.Output<string>;
  readonly primaryEndpoint: pulumi.Output<string>;
  /** CacheClusterIds of the members (<group>-001, -002, …), for metrics. */
  readonly memberIds: pulumi.Output<string>[];

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Cache', name, {}, opts);
    const { ctx } = args;
    const { config } = ctx;
    const nodes = 1 + config.redisReplicas;

    const subnetGroup = new aws.elasticache.SubnetGroup(
      regionalName(ctx, 'redis-subnets'),
      { description: `Isolated subnets for Redis in ${ctx.region}`, subnetIds: args.subnetIds },
      { parent: this },
    );

    // Stack-scoped (issue #10 item 9); ElastiCache allows 1–40 characters, a letter first, no double hyphen.
    const groupId = stackNamespace(ctx);
    if (groupId.length > 40)
      throw new Error(`Redis replication group id ${groupId} exceeds 40 characters: shorten the stack name`);
    // A final snapshot name must be unused; a fresh suffix per create lets a destroyed stack be created again.
    const snapshotSuffix = new random.RandomId(
      regionalName(ctx, 'redis-final-snapshot-suffix'),
      { byteLength: 4 },
      { parent: this },
    );
    const group = new aws.elasticache.ReplicationGroup(
      regionalName(ctx, 'redis'),
      {
        replicationGroupId: groupId,
        description: `edgecart sessions, cache and rate limits in ${ctx.region}`,
        engine: 'redis',
        engineVersion: REDIS_ENGINE_VERSION,
        nodeType: config.redisNodeType,
        port: REDIS_PORT,
        numCacheClusters: nodes,
        // Round-robin over the AZs, so the primary and each replica sit in different AZs.
        preferredCacheClusterAzs: Array.from(
          { length: nodes },
          (_, i) => args.availabilityZoneNames[i % args.availabilityZoneNames.length]!,
        ),
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        kmsKeyId: args.kmsKeyArn,
        authToken: args.authToken,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        snapshotRetentionLimit: 7,
        snapshotWindow: '02:00-03:00',
        maintenanceWindow: 'sun:04:00-sun:05:00',
        autoMinorVersionUpgrade: true,
        finalSnapshotIdentifier: config.protectData
          ? pulumi.interpolate`${groupId}-final-${snapshotSuffix.hex}`
          : undefined,
      },
      { parent: this, protect: config.protectData },
    );

    this.replicationGroupId = group.id;
    this.primaryEndpoint = group.primaryEndpointAddress;
    this.memberIds = Array.from({ length: nodes }, (_, i) => pulumi.interpolate`${group.id}-00${i + 1}`);
    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint });
  }
}
