// One region's assets bucket (product images, storefront files): versioned, encrypted, all public access
// blocked, bucket owner enforced, TLS-only, readable only by the CloudFront distribution through OAC.
//
// Owned by the global stack, which creates every region's bucket with the resource-level `region` argument
// (@pulumi/aws 7) and then the replication between them (asset-replication.ts). So adding a region changes only
// the global stack's graph, never an existing regional stack's (issue #10 item 13); the regional stacks only
// upload the storefront into their bucket by name.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { denyInsecureTransport } from '../bucket-policy.js';
import { LogBucket, serverAccessLogging } from '../log-bucket.js';
import { keepPrivate } from '../private-bucket.js';
import { policyDocument } from '../region/iam.js';

export interface AssetsArgs {
  /** The bucket's region. */
  region: string;
  bucketName: string;
  domain: string;
  /** The only principal allowed to read objects (CloudFront OAC, by distribution ARN). */
  distributionArn: pulumi.Input<string>;
  protect: boolean;
  accountId: string;
  /** Days the bucket's server access logs are kept. */
  logRetentionDays: number;
  /** The global stack's home provider; every resource here names its own region. */
  provider: aws.Provider;
}

export class Assets extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Versioning of the bucket: a replication rule may only target a versioned bucket. */
  readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: AssetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Assets', name, {}, opts);
    const { region } = args;

    const bucket = new aws.s3.Bucket(
      `${region}-assets`,
      { region, bucket: args.bucketName, forceDestroy: !args.protect },
      { parent: this, provider: args.provider, protect: args.protect },
    );
    // Children of the component (not of the bucket), so `dependsOn: [assets]` waits for all of them.
    const child = { parent: this, provider: args.provider };

    const versioning = new aws.s3.BucketVersioning(
      `${region}-assets-versioning`,
      { region, bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${region}-assets-encryption`,
      {
        region,
        bucket: bucket.id,
        // SSE-S3: encrypted at rest, and readable by CloudFront OAC and S3 replication without key grants.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
      },
      child,
    );
    const publicAccess = keepPrivate(
      { publicAccess: `${region}-assets-public-access`, ownership: `${region}-assets-ownership` },
      bucket.id,
      region,
      child,
    );
    new aws.s3.BucketPolicy(
      `${region}-assets-policy`,
      {
        region,
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
      { ...child, dependsOn: [publicAccess] },
    );
    // Browsers post admin image uploads straight to S3 with the presigned POST the service hands out.
    new aws.s3.BucketCorsConfiguration(
      `${region}-assets-cors`,
      {
        region,
        bucket: bucket.id,
        corsRules: [
          {
            allowedMethods: ['POST'],
            allowedOrigins: [`https://${args.domain}`],
            allowedHeaders: ['*'],
            maxAgeSeconds: 3000,
          },
        ],
      },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${region}-assets-lifecycle`,
      {
        region,
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
      { ...child, dependsOn: [versioning] },
    );

    // Who read or wrote what (CIS 2.6 / Security Hub CloudTrail.7, issue #20 item 6): into a bucket of its own in
    // the same region, as S3 requires.
    const logs = new LogBucket(
      `${region}-assets-logs`,
      {
        bucketName: `${args.bucketName}-logs`,
        region,
        accountId: args.accountId,
        source: 's3-server-access',
        retentionDays: args.logRetentionDays,
        provider: args.provider,
        protect: args.protect,
      },
      { parent: this },
    );
    serverAccessLogging(`${region}-assets-logging`, { bucket: bucket.id, region, logs, prefix: 'assets/' }, child);

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.versioning = versioning;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
