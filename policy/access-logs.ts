// Access records AWS reviewers expect (issue #20 item 6): after an incident someone must be able to tell who asked
// for what. Application load balancers log to S3 (Security Hub ELB.5; ELB User Guide, "Access logs for your
// Application Load Balancer"), and every S3 bucket that is not itself a log bucket has server access logging into
// another bucket (CIS AWS Foundations 2.6 for the CloudTrail bucket, Security Hub S3.9; S3 User Guide, "Logging
// requests with server access logging": the target must be a different bucket in the same region).
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { ofType, T } from './types.js';

export const albAccessLogs: ResourceValidationPolicy = {
  name: 'alb-access-logs',
  description: 'Application load balancers write access logs to an S3 bucket.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== T.loadBalancer) return;
    if ((args.props.loadBalancerType ?? 'application') !== 'application') return;
    const logs = args.props.accessLogs;
    if (!logs?.enabled || !logs.bucket) report('accessLogs must be enabled with a bucket (Security Hub ELB.5)');
  },
};

const BUCKET_LOGGING = 'aws:s3/bucketLogging:BucketLogging';

export const s3ServerAccessLogging: StackValidationPolicy = {
  name: 's3-server-access-logging',
  description: 'Every S3 bucket that is not a log target has server access logging into another bucket.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const loggings = ofType(resources, BUCKET_LOGGING);
    const sourceOf = (l: (typeof loggings)[number]) => l.propertyDependencies.bucket?.find((d) => d.type === T.bucket);
    const targetOf = (l: (typeof loggings)[number]) =>
      l.propertyDependencies.targetBucket?.find((d) => d.type === T.bucket);
    const targets = new Set(loggings.map((l) => targetOf(l)?.urn).filter(Boolean));
    // An ALB's log bucket is a log target too.
    for (const alb of ofType(resources, T.loadBalancer)) {
      for (const d of alb.propertyDependencies.accessLogs ?? []) if (d.type === T.bucket) targets.add(d.urn);
    }
    for (const bucket of ofType(resources, T.bucket)) {
      if (targets.has(bucket.urn)) continue;
      const logging = loggings.find((l) => sourceOf(l)?.urn === bucket.urn);
      if (!logging) {
        report(`${bucket.name} has no server access logging (aws.s3.BucketLogging into a log bucket)`, bucket.urn);
        continue;
      }
      if (targetOf(logging)?.urn === bucket.urn) report(`${bucket.name} logs into itself`, bucket.urn);
    }
  },
};

const WAF_LOGGING = 'aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration';

export const wafLogging: StackValidationPolicy = {
  name: 'waf-logging',
  description: 'Every WAF web ACL logs its requests (a WebAclLoggingConfiguration of this stack).',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const logged = new Set(
      ofType(resources, WAF_LOGGING).flatMap((l) => (l.propertyDependencies.resourceArn ?? []).map((d) => d.urn)),
    );
    for (const acl of ofType(resources, T.webAcl)) {
      if (!logged.has(acl.urn)) report(`${acl.name} has no logging configuration (Security Hub WAF.11)`, acl.urn);
    }
  },
};

export const cloudfrontAccessLogs: StackValidationPolicy = {
  name: 'cloudfront-access-logs',
  description:
    'Every CloudFront distribution has standard logging: (v2) a delivery of an ACCESS_LOGS source for it, without the cookie field, or (legacy) a logging bucket.',
  enforcementLevel: 'mandatory',
  // CloudFront Developer Guide, "Access logs (standard logs)"; standard logging (v2) is a CloudWatch Logs
  // delivery source (logType ACCESS_LOGS, resourceArn = the distribution) paired with a destination by a delivery.
  validateStack: ({ resources }, report) => {
    const sources = ofType(resources, T.logDeliverySource).filter((s) => s.props.logType === 'ACCESS_LOGS');
    const deliveries = ofType(resources, T.logDelivery);
    for (const distribution of ofType(resources, T.distribution)) {
      if (distribution.props.loggingConfig?.bucket) continue;
      const source = sources.find((s) =>
        (s.propertyDependencies.resourceArn ?? []).some((d) => d.urn === distribution.urn),
      );
      const delivery =
        source &&
        deliveries.find((d) => (d.propertyDependencies.deliverySourceName ?? []).some((s) => s.urn === source.urn));
      if (!delivery) {
        report(
          `${distribution.name} has no standard logging (a LogDelivery of an ACCESS_LOGS source)`,
          distribution.urn,
        );
        continue;
      }
      const fields: string[] | undefined = delivery.props.recordFields;
      if (!fields?.length || fields.some((f) => f.toLowerCase() === 'cs(cookie)')) {
        report(`${delivery.name} must list its record fields, without cs(Cookie) (session cookies)`, delivery.urn);
      }
    }
  },
};
