// The global stack: everything shared by all regions (see ARCHITECTURE.md, "Global stack owns"). It never
// reads a regional stack; the regional stacks read its outputs (../contract.ts) through a StackReference.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { GlobalConfig } from '../config.js';
import { assetsBucketName, type GlobalOutputs } from '../contract.js';
import { AssetReplication } from './asset-replication.js';
import { Assets } from './assets.js';
import { Audit } from './audit.js';
import { Database, DB_NAME, DB_USERNAME } from './database.js';
import { Dns } from './dns.js';
import { checkEngineVersion } from './engine-version.js';
import { Edge, ORIGIN_VERIFY_HEADER_NAME } from './edge.js';
import { contentTag } from './build-context.js';
import { SERVICE_BUILD, ServiceImage } from './image.js';
import { stageBuildContext } from './staged-context.js';
import { ImageBackfill } from './image-backfill.js';
import { Registry, replicaRegions } from './registry.js';

/** The stack's outputs: exactly the contract's names, each with the contract's type. */
export type GlobalStackOutputs = { [K in keyof GlobalOutputs]: pulumi.Input<GlobalOutputs[K]> };

/** CloudFront only takes certificates and web ACLs from us-east-1. */
export const EDGE_REGION = 'us-east-1';

/** The regions whose asset buckets back `/assets/*`: the primary, then the first other region as failover. */
export function assetRegions(config: GlobalConfig): string[] {
  const failover = config.regions.find((r) => r !== config.primaryRegion);
  return failover ? [config.primaryRegion, failover] : [config.primaryRegion];
}

export async function deployGlobal(config: GlobalConfig): Promise<GlobalStackOutputs> {
  const namespace = `${config.project}-${config.stack}`;
  const protect = config.protectData;
  const defaultTags = { tags: config.tags };
  // Explicit providers (named after their region) for everything: nothing depends on ambient settings.
  const provider = new aws.Provider(config.region, { region: config.region, defaultTags });
  const edgeProvider = new aws.Provider(`${EDGE_REGION}-edge`, { region: EDGE_REGION, defaultTags });
  const { accountId } = await aws.getCallerIdentity({}, { provider });
  // Before anything is created: a retired or unsupported engine version stops the preview (issue #20 item 5).
  await checkEngineVersion(config.dbEngineVersion, config.regions, provider);
  const bucketNames = Object.fromEntries(
    config.regions.map((region) => [region, assetsBucketName(namespace, accountId, region)]),
  );

  const dns = new Dns('dns', { domain: config.domain, hostedZoneId: config.hostedZoneId, provider, protect });

  const edge = new Edge('edge', {
    namePrefix: namespace,
    domain: config.domain,
    zoneId: dns.zoneId,
    assetOrigins: assetRegions(config).map((region) => ({
      region,
      bucketName: bucketNames[region]!,
    })),
    wafRateLimit: config.wafRateLimit,
    priceClass: config.priceClass,
    edgeProvider,
    provider,
  });

  // Every region's assets bucket and the replication from the primary's to the others (issue #10 item 13).
  const assets = config.regions.map(
    (region) =>
      new Assets(`${region}-assets`, {
        region,
        bucketName: bucketNames[region]!,
        domain: config.domain,
        distributionArn: edge.distributionArn,
        protect,
        accountId,
        logRetentionDays: config.trailRetentionDays,
        provider,
      }),
  );
  if (config.regions.length > 1) {
    new AssetReplication('asset-replication', {
      accountId,
      primaryRegion: config.primaryRegion,
      bucketNames,
      versioning: assets.map((a) => a.versioning),
      provider,
    });
  }

  const registry = new Registry('registry', {
    namespace,
    homeRegion: config.region,
    regions: config.regions,
    accountId,
    stackName: `${config.project}/${config.stack}`,
    provider,
    protect,
  });

  // Declared on every run (issue #10 item 1): see image.ts.
  const image = new ServiceImage('service-image', {
    repositoryUrl: registry.repositoryUrl,
    registryId: registry.registryId,
    tag: contentTag(SERVICE_BUILD),
    // What docker-build hashes and Docker copies: the same files, modes normalised (staged-context.ts).
    build: stageBuildContext(SERVICE_BUILD),
    provider,
    dependsOn: registry.ready,
  });
  // The running image in every replica region, also one added after it was pushed (issue #20 item 2).
  new ImageBackfill('service-image-backfill', {
    repositoryUrl: registry.repositoryUrl,
    digest: image.digest,
    replicaRegions: replicaRegions(config.region, config.regions),
    registry: image.registry,
    dependsOn: registry.ready,
  });

  const database = new Database('database', {
    namespace,
    engineVersion: config.dbEngineVersion,
    primaryRegion: config.primaryRegion,
    homeRegion: config.region,
    regions: config.regions,
    provider,
    protect,
  });

  new Audit('audit', {
    namespace,
    accountId,
    homeRegion: config.region,
    retentionDays: config.trailRetentionDays,
    provider,
    protect,
  });

  return {
    zoneId: dns.zoneId,
    nameServers: dns.nameServers,
    domain: config.domain,
    repositoryName: registry.repositoryName,
    imageDigest: image.digest,
    globalClusterId: database.globalClusterId,
    dbWriterEndpoint: database.writerEndpoint,
    dbEngineVersion: database.engineVersion,
    dbName: DB_NAME,
    dbUsername: DB_USERNAME,
    dbSecretName: database.secretName,
    dbMasterPassword: database.password,
    originVerifyHeaderName: ORIGIN_VERIFY_HEADER_NAME,
    originVerifyHeaderValue: edge.originVerifyHeaderValue,
    distributionArn: edge.distributionArn,
    assetsBaseUrl: `https://${config.domain}/assets`,
    assetsBucketNames: bucketNames,
    regions: config.regions,
    primaryRegion: config.primaryRegion,
  };
}
