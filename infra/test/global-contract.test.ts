// The contract between the stacks (infra/contract.ts), end to end: the global program's real outputs are fed
// to the regional programs as their StackReference, so renaming, dropping or retyping an output fails here
// instead of in a deploy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_OUTPUT_NAMES, type GlobalOutputs } from '../contract.js';
import { applyRun } from './every-stack.js';
import { ACCOUNT_ID } from './mocks.js';
import { type ProgramRun, runProgram, stackConfig } from './program.js';
import { fakeStorefront, regionConfig } from './region-harness.js';

/** What each output must look like for the regional stacks to use it. */
const SHAPES: { [K in keyof GlobalOutputs]: (v: unknown) => boolean } = {
  zoneId: (v) => typeof v === 'string' && /^Z[A-Z0-9]+$/.test(v),
  nameServers: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
  domain: (v) => typeof v === 'string' && v.includes('.'),
  repositoryName: (v) => typeof v === 'string' && /^[a-z0-9][a-z0-9._/-]*$/.test(v),
  imageDigest: (v) => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v),
  globalClusterId: (v) => typeof v === 'string' && v.length > 0,
  dbWriterEndpoint: (v) => typeof v === 'string' && v.includes('.'),
  dbMasterPassword: (v) => typeof v === 'string' && v.length >= 32,
  dbEngineVersion: (v) => typeof v === 'string' && /^\d+\.\d+$/.test(v),
  dbName: (v) => typeof v === 'string' && /^[a-z_][a-z0-9_]*$/.test(v),
  dbUsername: (v) => typeof v === 'string' && /^[a-z_][a-z0-9_]*$/.test(v),
  dbSecretName: (v) => typeof v === 'string' && v.length > 0,
  originVerifyHeaderName: (v) => typeof v === 'string' && /^[A-Za-z0-9-]+$/.test(v),
  originVerifyHeaderValue: (v) => typeof v === 'string' && v.length >= 32,
  distributionArn: (v) => typeof v === 'string' && v.startsWith('arn:'),
  assetsBaseUrl: (v) => typeof v === 'string' && /^https:\/\/[^/]+\/assets$/.test(v),
  assetsBucketNames: (v) =>
    typeof v === 'object' && v !== null && Object.values(v).every((b) => typeof b === 'string' && b.length <= 63),
  regions: (v) => Array.isArray(v) && v.length > 0 && v.every((r) => typeof r === 'string'),
  primaryRegion: (v) => typeof v === 'string' && v.length > 0,
};

describe('global → regional contract', () => {
  const storefront = fakeStorefront();
  let global: ProgramRun;

  beforeAll(async () => {
    global = await runProgram(stackConfig('global'));
  });
  afterAll(() => storefront.remove());

  it('exports exactly the contract names, each with the shape the regions rely on', () => {
    expect(Object.keys(global.outputs).sort()).toEqual([...GLOBAL_OUTPUT_NAMES].sort());
    for (const name of GLOBAL_OUTPUT_NAMES) {
      expect(SHAPES[name](global.outputs[name]), `${name} = ${JSON.stringify(global.outputs[name])}`).toBe(true);
    }
    expect(global.secretOutputs.sort()).toEqual(['dbMasterPassword', 'originVerifyHeaderValue']);
  });

  it.each(['mumbai', 'london'] as const)('%s runs on the global stack outputs', async (stack) => {
    const config = regionConfig(stack, { 'edgecart:storefrontDir': storefront.dir });
    // The stack files must point at the global stack and agree with it.
    expect(config['edgecart:domain']).toBe(global.outputs.domain);
    expect(global.outputs.regions).toContain(config['aws:region']);
    const region = await runProgram(config, {
      stack,
      stackOutputs: { [config['edgecart:globalStack']!]: global.outputs },
      world: applyRun({}, 'global', global),
    });
    expect(region.resources.length).toBeGreaterThan(20);
    const reference = region.ofType('pulumi:pulumi:StackReference');
    // The global stack, and the stack's own last outputs (the AMI it runs, region/ami.ts).
    expect(reference.map((r) => r.inputs.name).sort()).toEqual(
      [config['edgecart:globalStack'], `organization/edgecart/${stack}`].sort(),
    );
    // What the region does with the outputs: pulls the exact image by digest from its own replica, joins
    // the global cluster, and keeps the asset bucket CloudFront's origins point at, readable by it alone.
    const regionName = config['aws:region']!;
    expect(region.outputs.serviceImage).toBe(
      `${ACCOUNT_ID}.dkr.ecr.${regionName}.amazonaws.com/${global.outputs.repositoryName}@${global.outputs.imageDigest}`,
    );
    const clusters = region.ofType('aws:rds/cluster:Cluster');
    expect(clusters.map((c) => c.inputs.globalClusterIdentifier)).toEqual([global.outputs.globalClusterId]);
    // The bucket it uploads the storefront into is the one the global stack created for its region, which
    // CloudFront's origins point at.
    const logBuckets = new Set(
      global.registrations.filter((r) => r.urn.includes('edgecart:LogBucket$')).map((r) => r.name),
    );
    const buckets = global
      .ofType('aws:s3/bucket:Bucket')
      .filter((b) => b.inputs.region === regionName && !logBuckets.has(b.name));
    expect(buckets.map((b) => b.inputs.bucket)).toEqual([region.outputs.assetsBucketName]);
    const uploads = region.ofType('aws:s3/bucketObjectv2:BucketObjectv2');
    expect(new Set(uploads.map((o) => o.inputs.bucket))).toEqual(new Set([region.outputs.assetsBucketName]));
    const origins = global.byName('aws:cloudfront/distribution:Distribution', 'edge-cdn').inputs.origins;
    if (regionName === global.outputs.primaryRegion || origins.length > 2) {
      expect(JSON.stringify(origins)).toContain(`${region.outputs.assetsBucketName}.s3.${regionName}.amazonaws.com`);
    }
  });

  it('fails a regional run when the global stack lacks an output the region reads', async () => {
    const { dbEngineVersion, ...rest } = global.outputs;
    const config = regionConfig('london', { 'edgecart:storefrontDir': storefront.dir });
    await expect(
      runProgram(config, {
        stackOutputs: { [config['edgecart:globalStack']!]: { ...rest, engineVersion: dbEngineVersion } },
      }),
    ).rejects.toThrow(/dbEngineVersion/);
  });
});
