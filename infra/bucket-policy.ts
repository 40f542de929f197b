// Bucket-policy statements every private bucket of the platform carries, global and regional alike.
import * as pulumi from '@pulumi/pulumi';

/** Refuses every request to the bucket or its objects that does not come over TLS. */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>) {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny' as const,
    Principal: '*' as const,
    Action: 's3:*',
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
