// The WAFv2 web ACL in front of CloudFront (scope CLOUDFRONT, so it must live in us-east-1): a per-IP rate
// limit first, then the request body size limit, then the AWS managed rule groups for IP reputation, common
// exploits, known bad inputs and SQLi.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { WAF_BODY_INSPECTION_LIMIT, WAF_BODY_LIMIT_BYTES } from '../limits.js';

/**
 * The common rule set's 8 KB body rule (AWS WAF Developer Guide, "Core rule set (CRS) managed rule group":
 * SizeRestrictions_BODY "inspects for request bodies that are over 8 KB"). It would block bodies the service
 * accepts (64 KB), so it only counts, and the web ACL enforces the service's own limit with `body-size-limit`
 * (issue #10 item 11; the numbers are in infra/limits.ts).
 */
export const COUNTED_MANAGED_RULES: Partial<Record<(typeof MANAGED_RULE_GROUPS)[number], string[]>> = {
  AWSManagedRulesCommonRuleSet: ['SizeRestrictions_BODY'],
};

/** AWS managed rule groups, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** Days WAF's request logs are kept (a valid CloudWatch Logs retention). */
export const WAF_LOG_RETENTION_DAYS = 365;

export interface WebFirewallArgs {
  /** Account-wide name of the web ACL. */
  name: string;
  /** Requests per client IP per 5 minutes before that IP is blocked. */
  rateLimit: number;
  /** Must be a us-east-1 provider: CloudFront only accepts web ACLs from there. */
  provider: aws.Provider;
}

export class WebFirewall extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: WebFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:WebFirewall', name, {}, opts);
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    const acl = new aws.wafv2.WebAcl(
      name,
      {
        name: args.name,
        description: 'edgecart CloudFront protection: rate limit and AWS managed rule groups',
        scope: 'CLOUDFRONT',
        defaultAction: { allow: {} },
        visibilityConfig: visibility(args.name),
        // WAF inspects only the first 16 KB of a body behind CloudFront unless told otherwise; the size rule
        // needs to see up to the service's limit (extra inspection is billed per 16 KB: AWS WAF pricing).
        associationConfig: {
          requestBodies: [{ cloudfront: { defaultSizeInspectionLimit: WAF_BODY_INSPECTION_LIMIT } }],
        },
        rules: [
          {
            name: 'rate-limit-per-ip',
            priority: 0,
            action: { block: {} },
            statement: {
              rateBasedStatement: { aggregateKeyType: 'IP', limit: args.rateLimit, evaluationWindowSec: 300 },
            },
            visibilityConfig: visibility('rate-limit-per-ip'),
          },
          {
            name: 'body-size-limit',
            priority: 1,
            action: { block: {} },
            statement: {
              sizeConstraintStatement: {
                comparisonOperator: 'GT',
                size: WAF_BODY_LIMIT_BYTES,
                // A body beyond the inspection limit is larger than the limit too: block it.
                fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
            visibilityConfig: visibility('body-size-limit'),
          },
          ...MANAGED_RULE_GROUPS.map((group, i) => ({
            name: group,
            priority: i + 2,
            // Keep each group's own block actions, except the rules that only count (COUNTED_MANAGED_RULES).
            overrideAction: { none: {} },
            statement: {
              managedRuleGroupStatement: {
                vendorName: 'AWS',
                name: group,
                ruleActionOverrides: (COUNTED_MANAGED_RULES[group] ?? []).map((rule) => ({
                  name: rule,
                  actionToUse: { count: {} },
                })),
              },
            },
            visibilityConfig: visibility(group),
          })),
        ],
      },
      { parent: this, provider: args.provider },
    );

    // Every request WAF judged, with the rule that decided (issue #20 item 6). A CloudWatch Logs destination must be
    // named `aws-waf-logs-…` and, for a CloudFront web ACL, live in us-east-1 with it (AWS WAF Developer Guide,
    // "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group"); WAF adds the log group's resource
    // policy for delivery itself. Session cookies and credentials are redacted before they are written.
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `aws-waf-logs-${args.name}`, retentionInDays: WAF_LOG_RETENTION_DAYS },
      { parent: this, provider: args.provider },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-logging`,
      {
        resourceArn: acl.arn,
        logDestinationConfigs: [logs.arn],
        redactedFields: [{ singleHeader: { name: 'cookie' } }, { singleHeader: { name: 'authorization' } }],
      },
      { parent: this, provider: args.provider },
    );

    this.arn = acl.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
