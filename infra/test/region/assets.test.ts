// The regional assets bucket and the storefront files in it.
import { describe, expect, it } from 'vitest';
import { assetsBucketName } from '../../contract.js';
import { ACCOUNT_ID } from '../mocks.js';
import { globalOutputs, policyOf } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('assets', () => {
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
});
