// Cross-region replication of the assets from the primary bucket to every secondary.
import { describe, expect, it } from 'vitest';
import { assetsBucketName } from '../../contract.js';
import { ACCOUNT_ID, type RecordedResource } from '../mocks.js';
import { fakeStorefront, PRIMARY, regionConfig, runRegion, SECONDARY, THIRD } from '../region-harness.js';
import { T, useRegionRuns } from './stacks.js';

const runs = useRegionRuns();

describe('asset replication from the primary to every secondary', () => {
  it('is owned by the last secondary, on the primary bucket, with one rule per secondary', () => {
    expect(runs().mumbai.ofType(T.replication)).toEqual([]);
    expect(runs().london.ofType(T.replication)).toEqual([]);
    const [config] = runs().third.ofType(T.replication) as [RecordedResource];
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
    const deps = runs().third.optionsOf(T.replication, `${THIRD}-assets-replication`).dependencies;
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
