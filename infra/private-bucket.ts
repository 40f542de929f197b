// What makes every bucket of the platform private, global and regional alike (assets, the trail, access logs):
// all four public-access blocks on, and ACLs off (BucketOwnerEnforced: the bucket owner owns every object, and
// access is decided by bucket policies alone). One place, so no bucket can be created with a weaker setting.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

export interface PrivateBucketNames {
  /** Logical name of the BucketPublicAccessBlock (unchanged from each bucket's first version: state). */
  publicAccess: string;
  /** Logical name of the BucketOwnershipControls. */
  ownership: string;
}

/**
 * Blocks public access to `bucket` and turns its ACLs off. Returns the public access block: a bucket policy
 * should wait for it, or S3 may judge the policy before the block applies.
 */
export function keepPrivate(
  names: PrivateBucketNames,
  bucket: pulumi.Input<string>,
  region: string | undefined,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketPublicAccessBlock {
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    names.publicAccess,
    {
      ...(region ? { region } : {}),
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketOwnershipControls(
    names.ownership,
    { ...(region ? { region } : {}), bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } },
    opts,
  );
  return publicAccess;
}
