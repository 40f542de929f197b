// Audit: one multi-region CloudTrail trail (every region, global services included, log file validation on)
// delivering to a private, versioned bucket encrypted with a dedicated KMS key. Log files expire after the
// configured retention.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LogBucket, serverAccessLogging } from '../log-bucket.js';
import { keepPrivate } from '../private-bucket.js';
import { denyInsecureTransport } from '../bucket-policy.js';

export interface AuditArgs {
  /** Prefix of account-wide names, e.g. edgecart-global. */
  namespace: string;
  accountId: pulumi.Input<string>;
  /** The trail's home region (the provider's). */
  homeRegion: string;
  retentionDays: number;
  provider: aws.Provider;
  protect: boolean;
}

export class Audit extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly trailArn: pulumi.Output<string>;

  constructor(name: string, args: AuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Audit', name, {}, opts);
    const home = { parent: this, provider: args.provider };
    const partition = aws.getPartitionOutput({}, home).partition;
    const trailName = `${args.namespace}-audit`;
    // Known before the trail exists, so the key and bucket policies can name it (confused-deputy guard).
    const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${args.homeRegion}:${args.accountId}:trail/${trailName}`;
    const trailContext = pulumi.interpolate`arn:${partition}:cloudtrail:*:${args.accountId}:trail/*`;

    const key = new aws.kms.Key(
      `${name}-trail`,
      {
        description: `Encrypts the ${trailName} CloudTrail log files`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudTrailEncrypts',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:GenerateDataKey*',
              Resource: '*',
              Condition: {
                StringEquals: { 'aws:SourceArn': trailArn },
                StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext },
              },
            },
            {
              Sid: 'CloudTrailDescribesKey',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:DescribeKey',
              Resource: '*',
            },
            {
              Sid: 'AccountReadsLogs',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
              Resource: '*',
              Condition: {
                StringEquals: { 'kms:CallerAccount': args.accountId },
                StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext },
              },
            },
          ],
        }),
      },
      // Without the key the trail's logs cannot be read: as protected as the bucket (policy/stateful-protection.ts).
      { ...home, protect: args.protect },
    );

    const bucket = new aws.s3.Bucket(
      `${name}-trail`,
      { bucket: pulumi.interpolate`${args.namespace}-trail-${args.accountId}`, forceDestroy: false },
      { ...home, protect: args.protect },
    );
    const publicAccess = keepPrivate(
      { publicAccess: `${name}-trail`, ownership: `${name}-trail` },
      bucket.id,
      undefined,
      home,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-trail`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
            bucketKeyEnabled: true,
          },
        ],
      },
      home,
    );
    new aws.s3.BucketVersioning(
      `${name}-trail`,
      { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
      home,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-trail`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: 'retention',
            status: 'Enabled',
            filter: {},
            expiration: { days: args.retentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      home,
    );

    const policy = new aws.s3.BucketPolicy(
      `${name}-trail`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CloudTrailAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: bucket.arn,
              Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
            },
            {
              Sid: 'CloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: pulumi.interpolate`${bucket.arn}/AWSLogs/${args.accountId}/*`,
              Condition: {
                StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
              },
            },
            denyInsecureTransport(bucket.arn),
          ],
        }),
      },
      // The public access block must exist first, or S3 may judge the policy before it applies.
      { ...home, dependsOn: [publicAccess] },
    );

    const trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: trailName,
        s3BucketName: bucket.id,
        kmsKeyId: key.arn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
      },
      // CloudTrail checks that it can write to the bucket when the trail is created.
      { ...home, dependsOn: [policy, encryption] },
    );

    // Who read the trail's bucket (CIS 2.6 / Security Hub CloudTrail.7, issue #20 item 6): logged into a bucket of
    // its own, never into the trail bucket itself (S3 would log its own log writes).
    const logs = new LogBucket(
      `${name}-trail-logs`,
      {
        bucketName: pulumi.interpolate`${args.namespace}-trail-logs-${args.accountId}`,
        region: args.homeRegion,
        accountId: args.accountId,
        source: 's3-server-access',
        retentionDays: args.retentionDays,
        provider: args.provider,
        protect: args.protect,
      },
      { parent: this },
    );
    serverAccessLogging(
      `${name}-trail-logging`,
      { bucket: bucket.id, region: args.homeRegion, logs, prefix: 'trail/' },
      home,
    );

    this.bucketName = bucket.id;
    this.trailArn = trail.arn;
    this.registerOutputs({ bucketName: this.bucketName, trailArn: this.trailArn });
  }
}
