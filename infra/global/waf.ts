// The WAFv2 web ACL in front of CloudFront (scope CLOUDFRONT, so it must live in us-east-1): a per-IP rate
// limit first, then the AWS managed rule groups for IP reputation, common exploits, known bad inputs and SQLi.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** AWS managed rule groups, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

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
          ...MANAGED_RULE_GROUPS.map((group, i) => ({
            name: group,
            priority: i + 1,
            // Keep each group's own block actions.
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
            visibilityConfig: visibility(group),
          })),
        ],
      },
      { parent: this, provider: args.provider },
    );

    this.arn = acl.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
