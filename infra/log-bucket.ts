// A bucket that receives access logs from an AWS service, global and regional stacks alike (issue #20 item 6):
// private, SSE-S3, expiring after the retention, and with the bucket policy the delivering service requires.
// - S3 server access logs: the target bucket must be in the source bucket's region and account; S3 delivers as
//   the service principal `logging.s3.amazonaws.com` (S3 User Guide, "Enabling Amazon S3 server access logging":
//   bucket policy method, with aws:SourceAccount), and the target must not use SSE-KMS default encryption.
// - ALB access logs: the bucket must be in the load balancer's region and use SSE-S3 ("the only server-side
//   encryption option that's supported"); in regions available before August 2022 the ELB account of the region
//   writes the logs, in newer ones the service principal `logdelivery.elasticloadbalancing.amazonaws.com`
//   (Elastic Load Balancing User Guide, "Enable access logs for your Application Load Balancer", step 2).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { denyInsecureTransport } from './bucket-policy.js';
import { keepPrivate } from './private-bucket.js';

/** The Elastic Load Balancing account of each region available before August 2022 (ELB User Guide, as above). */
export const ELB_ACCOUNT_IDS: Record<string, string> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};

export const ELB_LOG_DELIVERY_PRINCIPAL = 'logdelivery.elasticloadbalancing.amazonaws.com';
export const S3_LOG_DELIVERY_PRINCIPAL = 'logging.s3.amazonaws.com';

/** How long access logs are kept unless a stack says otherwise (a year: an incident is often found late). */
export const ACCESS_LOG_RETENTION_DAYS = 365;

export type LogSource = 's3-server-access' | 'alb';

export interface LogBucketArgs {
  /** The bucket's name (unique per partition). */
  bucketName: pulumi.Input<string>;
  region: string;
  accountId: pulumi.Input<string>;
  source: LogSource;
  /** Days a log object is kept. */
  retentionDays: number;
  /** Explicit provider (global stack); regional stacks inherit theirs from the parent component. */
  provider?: aws.Provider;
  protect: boolean;
}

/** The principal that writes `source`'s logs into a bucket of `region`. */
export function logDeliveryPrincipal(source: LogSource, region: string): Record<string, string> {
  if (source === 's3-server-access') return { Service: S3_LOG_DELIVERY_PRINCIPAL };
  const elbAccount = ELB_ACCOUNT_IDS[region];
  return elbAccount ? { AWS: `arn:aws:iam::${elbAccount}:root` } : { Service: ELB_LOG_DELIVERY_PRINCIPAL };
}

export class LogBucket extends pulumi.ComponentResource {
  readonly bucket: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The bucket policy: delivery fails until it exists, so whatever logs here waits for it. */
  readonly policy: aws.s3.BucketPolicy;

  constructor(name: string, args: LogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:LogBucket', name, {}, opts);
    const { region } = args;
    const child = { parent: this, provider: args.provider };
    const bucket = new aws.s3.Bucket(
      name,
      { region, bucket: args.bucketName, forceDestroy: !args.protect },
      { ...child, protect: args.protect },
    );
    // ACLs off: both services deliver under the bucket policy, and the bucket owner owns every log object.
    const publicAccess = keepPrivate(
      { publicAccess: `${name}-public-access`, ownership: `${name}-ownership` },
      bucket.id,
      region,
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { region, bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-retention`,
      {
        region,
        bucket: bucket.id,
        rules: [
          {
            id: 'retention',
            status: 'Enabled',
            filter: {},
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      child,
    );
    const objects = pulumi.interpolate`${bucket.arn}/*`;
    const delivery =
      args.source === 's3-server-access'
        ? {
            Sid: 'S3ServerAccessLogDelivery',
            Effect: 'Allow',
            Principal: logDeliveryPrincipal(args.source, region),
            Action: 's3:PutObject',
            Resource: objects,
            Condition: { StringEquals: { 'aws:SourceAccount': args.accountId } },
          }
        : {
            Sid: 'AlbAccessLogDelivery',
            Effect: 'Allow',
            Principal: logDeliveryPrincipal(args.source, region),
            Action: 's3:PutObject',
            Resource: pulumi.interpolate`${bucket.arn}/AWSLogs/${args.accountId}/*`,
          };
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        region,
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [delivery, denyInsecureTransport(bucket.arn)],
        }),
      },
      // The public access block first, or S3 may judge the policy before it applies.
      { ...child, dependsOn: [publicAccess] },
    );
    this.bucket = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucket: this.bucket });
  }
}

export interface ServerAccessLoggingArgs {
  /** The bucket whose requests are logged (same region and account as the log bucket). */
  bucket: pulumi.Input<string>;
  region: string;
  logs: LogBucket;
  /** Key prefix of this bucket's logs in the log bucket. */
  prefix: string;
}

/** S3 server access logging of one bucket into a LogBucket (CIS AWS Foundations 2.6, Security Hub CloudTrail.7). */
export function serverAccessLogging(
  name: string,
  args: ServerAccessLoggingArgs,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketLogging {
  return new aws.s3.BucketLogging(
    name,
    { region: args.region, bucket: args.bucket, targetBucket: args.logs.bucket, targetPrefix: args.prefix },
    { ...opts, dependsOn: [args.logs.policy] },
  );
}
