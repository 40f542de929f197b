// A regional stack: everything one region runs, stamped out from stack config alone. The role decides only
// what must differ (writer vs. write-forwarding Aurora cluster, which database endpoint the service writes to,
// who runs migrations); every other difference comes from config. What spans regions (the assets buckets and
// their replication, the registry, the global database) belongs to the global stack, so adding a region never
// changes an existing regional stack.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AMI_OUTPUT, IMAGE_OUTPUT } from './ami.js';
import { ConfigError, type RegionalConfig } from '../config.js';
import { originHostname } from '../contract.js';
import { AppSecrets } from './app-secrets.js';
import { Cache, REDIS_PORT } from './cache.js';
import { Compute } from './compute.js';
import { checkElasticIpQuota } from './elastic-ip-quota.js';
import { type RegionContext, regionalName } from './context.js';
import { DB_PORT, Database } from './database.js';
import { OriginCertificate, OriginDns } from './dns.js';
import { Encryption } from './encryption.js';
import { readGlobalInputs } from './global-inputs.js';
import { requireImageInRegion } from './image.js';
import { LoadBalancer } from './load-balancer.js';
import { Monitoring } from './monitoring.js';
import { Network } from './network.js';
import { SecurityGroups } from './security-groups.js';
import { DEFAULT_DIST_DIR, StorefrontFiles } from './storefront.js';

export async function deployRegion(config: RegionalConfig): Promise<Record<string, unknown>> {
  const { region } = config;
  // Checked before anything is created, so a missing build fails fast.
  const distDir = storefrontDir(config);
  // One explicit provider for the stack's region; every resource below inherits it through its component.
  const provider = new aws.Provider(region, { region: region as aws.Region, defaultTags: { tags: config.tags } });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

  const global = await readGlobalInputs(config);
  const { accountId } = await aws.getCallerIdentity({}, { provider });
  // Nothing is created before this region's ECR has the image its instances pull (issue #20 item 2).
  await requireImageInRegion({ region, ...global.image, provider });
  const ctx: RegionContext = { config, region, accountId };

  const zones = await aws.getAvailabilityZones(
    { state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] },
    { provider },
  );
  if (zones.names.length < config.availabilityZones) {
    throw new ConfigError(
      'availabilityZones',
      `is ${config.availabilityZones} but ${region} has only ${zones.names.length} (${zones.names.join(', ')})`,
    );
  }
  const availabilityZoneNames = zones.names.slice(0, config.availabilityZones);
  await checkElasticIpQuota(config, provider);

  const encryption = new Encryption(regionalName(ctx, 'encryption'), { ctx }, opts);
  const network = new Network(regionalName(ctx, 'network'), { ctx, availabilityZoneNames }, opts);
  const groups = new SecurityGroups(
    regionalName(ctx, 'security-groups'),
    { ctx, vpcId: network.vpcId, endpointSecurityGroupId: network.endpointSecurityGroupId },
    opts,
  );
  const secrets = new AppSecrets(regionalName(ctx, 'app-secrets'), { ctx }, opts);

  const cache = new Cache(
    regionalName(ctx, 'cache'),
    {
      ctx,
      availabilityZoneNames,
      subnetIds: network.isolatedSubnetIds,
      securityGroupId: groups.cacheId,
      kmsKeyArn: encryption.keyArn,
      authToken: secrets.redisAuthToken,
    },
    opts,
  );

  // The writer cluster is created with the master password the global stack generated, read from the global
  // stack's (encrypted) outputs: no preview ever reads a secret's value from Secrets Manager (issue #10 item 5).
  const masterPassword = config.role === 'primary' ? global.dbMasterPassword : undefined;
  const database = new Database(
    regionalName(ctx, 'database'),
    {
      ctx,
      subnetIds: network.isolatedSubnetIds,
      securityGroupId: groups.databaseId,
      kmsKeyArn: encryption.keyArn,
      globalClusterId: global.globalClusterId,
      engineVersion: global.dbEngineVersion,
      dbName: global.dbName,
      dbUsername: global.dbUsername,
      masterPassword,
    },
    opts,
  );

  // Every region uploads the storefront into its own bucket (created by the global stack). Replication alone
  // would leave a secondary's bucket without the files its region uploaded before replication existed, and each
  // regional deploy then brings its own bucket up to date with the release it runs.
  const assetsBucketName = global.assetsBucketNames.apply((names) => bucketOf(names, region));
  const uploadsBucketName = global.assetsBucketNames.apply((names) => bucketOf(names, global.primaryRegion));
  new StorefrontFiles(regionalName(ctx, 'storefront'), { bucket: assetsBucketName, distDir }, opts);

  const certificate = new OriginCertificate(
    regionalName(ctx, 'origin-certificate'),
    { ctx, zoneId: global.zoneId },
    opts,
  );
  const loadBalancer = new LoadBalancer(
    regionalName(ctx, 'load-balancer'),
    {
      ctx,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      securityGroupId: groups.albId,
      certificateArn: certificate.arn,
      originVerifyHeaderName: global.originVerifyHeaderName,
      originVerifyHeaderValue: global.originVerifyHeaderValue,
    },
    opts,
  );

  // The release alarms live in Monitoring, which is built after Compute (its dashboard shows the group); the
  // instance refresh reads their names through a deferred output (no resource cycle: alarms, then the group).
  const [releaseAlarmNames, resolveReleaseAlarmNames] = pulumi.deferredOutput<string[]>();
  const compute = new Compute(
    regionalName(ctx, 'compute'),
    {
      ctx,
      privateSubnetIds: network.privateSubnetIds,
      securityGroupId: groups.instanceId,
      targetGroupArn: loadBalancer.targetGroupArn,
      targetGroupAttachment: loadBalancer.forwardRule,
      requestCountResourceLabel: pulumi.interpolate`${loadBalancer.arnSuffix}/${loadBalancer.targetGroupArnSuffix}`,
      repositoryName: global.repositoryName,
      imageDigest: global.imageDigest,
      dbSecretName: global.dbSecretName,
      redisAuthSecretArn: secrets.redisAuthSecretArn,
      sessionSecretArn: secrets.sessionSecretArn,
      // Through the cluster's instances, so no instance boots (and, in the primary, runs migrations) before
      // the database has its writer (issue #20 item 4): the launch template then waits for them.
      dbWriteEndpoint: afterInstances(serviceWriteEndpoint(database.readerEndpoint), database.instanceIdentifiers),
      dbReaderEndpoint: database.readerEndpoint,
      dbMigrationEndpoint: global.dbWriterEndpoint,
      dbPort: DB_PORT,
      dbName: global.dbName,
      redisEndpoint: cache.primaryEndpoint,
      redisPort: REDIS_PORT,
      uploadsBucketName,
      uploadsBucketRegion: global.primaryRegion,
      assetsBaseUrl: global.assetsBaseUrl,
      releaseAlarmNames,
    },
    opts,
  );

  const monitoring = new Monitoring(
    regionalName(ctx, 'monitoring'),
    {
      ctx,
      kmsKeyArn: encryption.keyArn,
      albArnSuffix: loadBalancer.arnSuffix,
      targetGroupArnSuffix: loadBalancer.targetGroupArnSuffix,
      autoScalingGroupName: compute.autoScalingGroupName,
      redisMemberIds: cache.memberIds,
      dbClusterIdentifier: database.clusterIdentifier,
      serviceLogGroupName: compute.logGroupName,
    },
    opts,
  );
  resolveReleaseAlarmNames(monitoring.releaseAlarmNames);

  new OriginDns(
    regionalName(ctx, 'origin-dns'),
    {
      ctx,
      zoneId: global.zoneId,
      albDnsName: loadBalancer.dnsName,
      albZoneId: loadBalancer.zoneId,
      healthAlarmNames: monitoring.dnsHealthAlarmNames,
    },
    opts,
  );

  return {
    region,
    role: config.role,
    originHostname: originHostname(config.domain),
    albDnsName: loadBalancer.dnsName,
    vpcId: network.vpcId,
    assetsBucketName,
    dbClusterEndpoint: database.endpoint,
    dbReaderEndpoint: database.readerEndpoint,
    redisPrimaryEndpoint: cache.primaryEndpoint,
    autoScalingGroupName: compute.autoScalingGroupName,
    launchTemplateVersion: compute.launchTemplateVersion,
    // Read back by the next run of this stack (ami.ts): the AMI stays while the image does.
    [IMAGE_OUTPUT]: compute.image,
    [AMI_OUTPUT]: compute.amiId,
    serviceLogGroup: compute.logGroupName,
    alarmTopicArn: monitoring.topicArn,
    dashboardName: monitoring.dashboardName,
  };
}

/**
 * The endpoint the service sends writes to (DATABASE_URL): in every region, whatever its role, its own cluster's
 * reader endpoint (issue #19).
 * - While the cluster is a secondary, global write forwarding forwards writes to the primary's writer ("Connecting
 *   to Amazon Aurora Global Database": "connect to the reader endpoint of a secondary cluster that has write
 *   forwarding enabled").
 * - While it is the primary, local write forwarding forwards them to its own writer ("Local write forwarding in
 *   Aurora PostgreSQL"; both are enabled on every member, infra/region/database.ts).
 * - Not the global writer endpoint: after a switchover it points to the other region's writer, a private address
 *   in that region's VPC, which this region's instances have no route to and whose security group admits only
 *   that region's instances. Not the cluster's own writer endpoint: it does not resolve while the cluster is a
 *   secondary (policy/secondary-database-endpoint.ts).
 * So a switchover or failover changes what the endpoint leads to, never the instances' configuration.
 */
export function serviceWriteEndpoint(localReaderEndpoint: pulumi.Output<string>): pulumi.Output<string> {
  return localReaderEndpoint;
}

/**
 * `value`, carrying a dependency on every instance of the cluster. The cluster resource is "available" before any
 * instance exists, and a cluster without instances has no writer to connect to; the writer is one of these (the
 * first instance of a new cluster, promotion tier 0).
 */
export function afterInstances(
  value: pulumi.Output<string>,
  instances: pulumi.Output<string>[],
): pulumi.Output<string> {
  return pulumi.all([value, ...instances]).apply(([v]) => v as string);
}

function bucketOf(names: Record<string, string>, region: string): string {
  const name = names[region];
  if (!name)
    throw new Error(`The global stack has no assets bucket for ${region}: add it to regions and deploy global`);
  return name;
}

/** The storefront build to upload, checked up front so a missing build names the key to fix. */
function storefrontDir(config: RegionalConfig): string {
  const dir = config.storefrontDir ? resolve(config.storefrontDir) : DEFAULT_DIST_DIR;
  if (!existsSync(join(dir, 'index.html'))) {
    throw new ConfigError(
      'storefrontDir',
      `${dir} has no index.html: run \`npm run build:web\` first${config.storefrontDir ? '' : ' (or point storefrontDir at a build)'}`,
    );
  }
  return dir;
}
