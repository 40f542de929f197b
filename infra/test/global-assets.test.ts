// The assets buckets and their cross-region replication, owned by the global stack (issue #10 item 13): every
// region's bucket is created here, in its own region, and the primary's replicates to every other one.
import { beforeAll, describe, expect, it } from 'vitest';
import { assetsBucketName } from '../contract.js';
import { ACCOUNT_ID } from './mocks.js';
import { type ProgramRun, runProgram, stackConfig } from './program.js';
import { policyOf } from './region-harness.js';

const T = {
  bucket: 'aws:s3/bucket:Bucket',
  versioning: 'aws:s3/bucketVersioning:BucketVersioning',
  publicAccess: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  ownership: 'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  encryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  policy: 'aws:s3/bucketPolicy:BucketPolicy',
  replication: 'aws:s3/bucketReplicationConfig:BucketReplicationConfig',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
} as const;

const config = stackConfig('global');
const regions = JSON.parse(config['edgecart:regions']!) as string[];
const primary = config['edgecart:primaryRegion'] ?? regions[0]!;
const bucketOf = (region: string) => assetsBucketName('edgecart-global', ACCOUNT_ID, region);

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(config, { stack: 'global' });
});

describe.each(regions)('assets bucket of %s', (region) => {
  it('is created in its own region, stack-scoped, protected, versioned, private, encrypted and bucket-owned', () => {
    const bucket = run.byName(T.bucket, `${region}-assets`);
    expect(bucket.inputs).toMatchObject({ region, bucket: bucketOf(region), forceDestroy: false });
    expect(run.optionsOf(T.bucket, `${region}-assets`).protect).toBe(true);
    expect(run.byName(T.versioning, `${region}-assets-versioning`).inputs).toMatchObject({
      region,
      versioningConfiguration: { status: 'Enabled' },
    });
    expect(run.byName(T.publicAccess, `${region}-assets-public-access`).inputs).toMatchObject({
      region,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(run.byName(T.ownership, `${region}-assets-ownership`).inputs.rule).toEqual({
      objectOwnership: 'BucketOwnerEnforced',
    });
    const sse = run.byName(T.encryption, `${region}-assets-encryption`).inputs;
    expect(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe('AES256');
  });

  it('is TLS-only and readable by the CloudFront distribution alone', () => {
    const policy = policyOf(run.byName(T.policy, `${region}-assets-policy`));
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': run.outputs.distributionArn } },
      }),
    ]);
  });
});

describe('asset replication', () => {
  it('is one configuration on the primary bucket, in the primary region, with one rule per other region', () => {
    const [configuration, ...others] = run.ofType(T.replication);
    expect(others).toEqual([]);
    expect(configuration!.inputs.region).toBe(primary);
    expect(configuration!.inputs.bucket).toBe(bucketOf(primary));
    const secondaries = regions.filter((r) => r !== primary);
    expect(configuration!.inputs.rules).toEqual(
      secondaries.map((region, i) =>
        expect.objectContaining({
          id: `to-${region}`,
          priority: i + 1,
          status: 'Enabled',
          deleteMarkerReplication: { status: 'Enabled' },
          destination: expect.objectContaining({ bucket: `arn:aws:s3:::${bucketOf(region)}` }),
        }),
      ),
    );
  });

  it('is written only after every bucket is versioned (S3 refuses a rule to an unversioned bucket)', () => {
    const deps = run.optionsOf(T.replication, 'asset-replication').dependencies;
    for (const region of regions) {
      expect(
        deps.some((urn) => urn.endsWith(`::${region}-assets-versioning`)),
        region,
      ).toBe(true);
    }
  });

  it('lets the replication role read the primary bucket and replicate into the others only', () => {
    const statements = policyOf(run.byName(T.rolePolicy, 'asset-replication-policy')).Statement;
    const replicate = statements.find((s) => [s.Action].flat().includes('s3:ReplicateObject'))!;
    expect(replicate.Resource).toEqual(
      regions.filter((r) => r !== primary).map((r) => `arn:aws:s3:::${bucketOf(r)}/*`),
    );
  });

  it('adds a bucket and a rule for a third region, in the global stack alone', async () => {
    const third = await runProgram(
      stackConfig('global', { 'edgecart:regions': JSON.stringify([...regions, 'ap-southeast-1']) }),
      { stack: 'global' },
    );
    expect(third.byName(T.bucket, 'ap-southeast-1-assets').inputs.region).toBe('ap-southeast-1');
    const rules = third.ofType(T.replication)[0]!.inputs.rules.map((r: { id: string }) => r.id);
    expect(rules).toEqual([...regions.filter((r) => r !== primary), 'ap-southeast-1'].map((r) => `to-${r}`));
  });
});
