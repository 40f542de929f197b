// This region's assets bucket (product images, storefront files): versioned, encrypted, all public access
// blocked, bucket owner enforced, TLS-only, readable only by the CloudFront distribution through OAC.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { denyInsecureTransport } from '../bucket-policy.js';
import { assetsBucketName } from '../contract.js';
import { type RegionContext, regionalName } from './context.js';
import { policyDocument } from './iam.js';

export interface AssetsArgs {
  ctx: RegionContext;
  /** The only principal allowed to read objects (CloudFront OAC, by distribution ARN). */
  distributionArn: pulumi.Input<string>;
}

export class Assets extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Versioning of the bucket: a replication rule may only target a versioned bucket. */
  readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: AssetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Assets', name, {}, opts);
    const { ctx } = args;
    const { config } = ctx;

    const bucket = new aws.s3.Bucket(
      regionalName(ctx, 'assets'),
      { bucket: assetsBucketName(ctx.accountId, ctx.region), forceDestroy: !config.protectData },
      { parent: this, protect: config.protectData },
    );
    // Children of the component (not of the bucket), so `dependsOn: [assets]` waits for all of them.
    const child = { parent: this };

    const versioning = new aws.s3.BucketVersioning(
      regionalName(ctx, 'assets-versioning'),
      { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      regionalName(ctx, 'assets-encryption'),
      {
        bucket: bucket.id,
        // SSE-S3: encrypted at rest, and readable by CloudFront OAC and S3 replication without key grants.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
      },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      regionalName(ctx, 'assets-public-access'),
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketOwnershipControls(
      regionalName(ctx, 'assets-ownership'),
      { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      child,
    );
    new aws.s3.BucketPolicy(
      regionalName(ctx, 'assets-policy'),
      {
        bucket: bucket.id,
        policy: policyDocument([
          denyInsecureTransport(bucket.arn),
          {
            Sid: 'CloudFrontReadsThroughOac',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: pulumi.interpolate`${bucket.arn}/*`,
            Condition: { StringEquals: { 'AWS:SourceArn': args.distributionArn } },
          },
        ]),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    // Browsers post admin image uploads straight to S3 with the presigned POST the service hands out.
    new aws.s3.BucketCorsConfiguration(
      regionalName(ctx, 'assets-cors'),
      {
        bucket: bucket.id,
        corsRules: [
          {
            allowedMethods: ['POST'],
            allowedOrigins: [`https://${config.domain}`],
            allowedHeaders: ['*'],
            maxAgeSeconds: 3000,
          },
        ],
      },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      regionalName(ctx, 'assets-lifecycle'),
      {
        bucket: bucket.id,
        rules: [
          {
            id: 'expire-old-versions',
            status: 'Enabled',
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.versioning = versioning;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
