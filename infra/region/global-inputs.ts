// What a regional stack takes from the global stack: exactly the names in ../contract.ts, read through one
// StackReference. Values that decide the shape of the program (which regions exist, which one is primary, the
// engine version) are read as plain values up front; everything else stays an Output.
import * as pulumi from '@pulumi/pulumi';
import { ConfigError, type RegionalConfig } from '../config.js';
import type { GlobalOutputs } from '../contract.js';

/** Global outputs used as Outputs (resolved by the engine when resources need them). */
export type GlobalOutputRefs = {
  [K in Exclude<keyof GlobalOutputs, 'regions' | 'primaryRegion' | 'dbEngineVersion' | 'domain'>]: pulumi.Output<
    GlobalOutputs[K]
  >;
};

export interface GlobalInputs extends GlobalOutputRefs {
  /** Every region with a regional stack, in deploy order (primary first). */
  regions: string[];
  primaryRegion: string;
  dbEngineVersion: string;
  /** The image every region runs, as plain values: a region checks it has it before it creates anything. */
  image: { repositoryName: string; digest: string };
}

async function plain(ref: pulumi.StackReference, name: keyof GlobalOutputs): Promise<unknown> {
  const details = await ref.getOutputDetails(name);
  const value = details.value ?? details.secretValue;
  if (value === undefined || value === null) {
    throw new Error(`Global stack output "${name}" is missing; deploy the global stack first`);
  }
  return value;
}

/**
 * Reads the global stack and checks that this stack's config agrees with it, so a stack file pointing at the
 * wrong region, role or domain fails before anything is created.
 */
export async function readGlobalInputs(config: RegionalConfig): Promise<GlobalInputs> {
  const ref = new pulumi.StackReference(config.globalStack);
  const out = <K extends keyof GlobalOutputRefs>(name: K) => ref.requireOutput(name) as GlobalOutputRefs[K];

  const regions = (await plain(ref, 'regions')) as string[];
  const primaryRegion = (await plain(ref, 'primaryRegion')) as string;
  const dbEngineVersion = String(await plain(ref, 'dbEngineVersion'));
  const domain = String(await plain(ref, 'domain'));
  const image = {
    repositoryName: String(await plain(ref, 'repositoryName')),
    digest: String(await plain(ref, 'imageDigest')),
  };

  if (!regions.includes(config.region)) {
    throw new ConfigError(
      'globalStack',
      `the global stack ${config.globalStack} does not list ${config.region} in its regions (${regions.join(', ')}); add it there and deploy the global stack first`,
    );
  }
  const expectedRole = config.region === primaryRegion ? 'primary' : 'secondary';
  if (config.role !== expectedRole) {
    throw new ConfigError(
      'role',
      `got "${config.role}" but the global stack's primaryRegion is ${primaryRegion}, so ${config.region} must be "${expectedRole}"`,
    );
  }
  if (domain !== config.domain) {
    throw new ConfigError('domain', `got "${config.domain}" but the global stack serves "${domain}"`);
  }

  return {
    regions,
    primaryRegion,
    dbEngineVersion,
    image,
    zoneId: out('zoneId'),
    repositoryName: out('repositoryName'),
    imageDigest: out('imageDigest'),
    nameServers: out('nameServers'),
    globalClusterId: out('globalClusterId'),
    dbWriterEndpoint: out('dbWriterEndpoint'),
    dbName: out('dbName'),
    dbUsername: out('dbUsername'),
    dbSecretName: out('dbSecretName'),
    dbMasterPassword: pulumi.secret(out('dbMasterPassword')),
    originVerifyHeaderName: out('originVerifyHeaderName'),
    originVerifyHeaderValue: pulumi.secret(out('originVerifyHeaderValue')),
    distributionArn: out('distributionArn'),
    assetsBaseUrl: out('assetsBaseUrl'),
    assetsBucketNames: out('assetsBucketNames'),
  };
}
