// CloudFront access logs (issue #20 item 6): one record per viewer request, so after an incident someone can tell
// who asked for what at the edge (the WAF log says only what WAF judged).
//
// Standard logging (v2), not (legacy). Legacy logging writes to S3 through bucket ACLs (the bucket needs ACLs
// enabled, the awslogsdelivery account gets FULL_CONTROL, some regions cannot receive it: CloudFront Developer
// Guide, "Configure standard logging (legacy)"), which every other log bucket of this program turns off
// (BucketOwnerEnforced, infra/log-bucket.ts). v2 is CloudWatch vended log delivery: a delivery source for the
// distribution, a destination, and a delivery pairing them, created with the CloudWatch Logs API in us-east-1
// where CloudFront's resources live ("Configure standard logging (v2)"; one delivery source per distribution).
// The destination is a log group in us-east-1, beside the WAF's: CloudWatch Logs adds the log group's resource
// policy for delivery.logs.amazonaws.com itself when the deploying role may (CloudWatch Logs User Guide, "Enable
// logging from AWS services", CloudWatch Logs destinations), and the group expires records after the retention.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { ACCESS_LOG_RETENTION_DAYS } from '../log-bucket.js';

/**
 * The fields delivered: CloudFront's standard log fields (the legacy file's `#Fields:` line, the names v2 takes:
 * "Standard logging reference" applies its field list to v2 and legacy alike, and the JSON record CloudWatch Logs
 * documents for a v2 delivery (CloudWatch Logs User Guide, transformation processor `parseCloudfront`) carries
 * exactly these keys, `cs(Host)` and `x-host-header` included),
 * without `cs(Cookie)` (the session cookie would make the log a credential store; WAF's log redacts it too) and
 * the field-level-encryption fields (unused).
 */
export const EDGE_LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
];

export interface EdgeAccessLogsArgs {
  /** Prefix of account-wide names, e.g. edgecart-global. */
  namePrefix: string;
  distributionArn: pulumi.Input<string>;
}

/** Standard logging (v2) of one distribution into a log group; `opts` carries the us-east-1 provider. */
export function edgeAccessLogs(
  name: string,
  args: EdgeAccessLogsArgs,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogDelivery {
  const logs = new aws.cloudwatch.LogGroup(
    `${name}-access-logs`,
    { name: `/aws/cloudfront/${args.namePrefix}`, retentionInDays: ACCESS_LOG_RETENTION_DAYS },
    opts,
  );
  // Names: 1-60 characters of [\w-] (CloudWatch Logs API Reference, PutDeliverySource / PutDeliveryDestination).
  const source = new aws.cloudwatch.LogDeliverySource(
    `${name}-access-logs`,
    { name: `${args.namePrefix}-cdn`, logType: 'ACCESS_LOGS', resourceArn: args.distributionArn },
    opts,
  );
  const destination = new aws.cloudwatch.LogDeliveryDestination(
    `${name}-access-logs`,
    {
      name: `${args.namePrefix}-cdn-logs`,
      outputFormat: 'json',
      deliveryDestinationConfiguration: { destinationResourceArn: logs.arn },
    },
    opts,
  );
  return new aws.cloudwatch.LogDelivery(
    `${name}-access-logs`,
    { deliverySourceName: source.name, deliveryDestinationArn: destination.arn, recordFields: EDGE_LOG_FIELDS },
    opts,
  );
}
