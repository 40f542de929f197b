// No security group accepts traffic from the whole internet. The ALB is reachable only from CloudFront's
// origin-facing managed prefix list (CloudFront Developer Guide, "Restrict access to Application Load Balancers":
// "use the AWS-managed prefix list for CloudFront"), so this program needs no exception, not even 443/80.
// AWS Security Hub controls EC2.18 / EC2.19 ("Security groups should only allow unrestricted incoming traffic for
// authorized ports", "should not allow unrestricted access to ports with high risk") and EC2.53/EC2.54 (0.0.0.0/0,
// ::/0 ingress) are the AWS statement of the rule.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { T } from './types.js';

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function worldSources(rule: Record<string, any>): string[] {
  return [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? []), rule.cidrIpv4, rule.cidrIpv6].filter(
    (c): c is string => typeof c === 'string' && WORLD.has(c),
  );
}

export const noWorldOpenIngress: ResourceValidationPolicy = {
  name: 'no-world-open-ingress',
  description: 'No security group ingress from 0.0.0.0/0 or ::/0 (the ALB takes CloudFront origin-facing only).',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const { type, props } = args;
    if (type === T.securityGroup) {
      for (const rule of props.ingress ?? []) {
        const open = worldSources(rule);
        if (open.length) report(`inline ingress ${rule.fromPort}-${rule.toPort} is open to ${open.join(', ')}`);
      }
    } else if (type === T.securityGroupRule) {
      if (props.type === 'ingress') {
        const open = worldSources(props);
        if (open.length) report(`ingress ${props.fromPort}-${props.toPort} is open to ${open.join(', ')}`);
      }
    } else if (type === T.ingressRule) {
      const open = worldSources(props);
      if (open.length) report(`ingress ${props.fromPort}-${props.toPort} is open to ${open.join(', ')}`);
    }
  },
};
