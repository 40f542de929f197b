// Security groups of every regional stack, rule by rule.
import { describe, expect, it } from 'vitest';
import { withoutRegion } from '../region-harness.js';
import { T, eachRegion, groupOf } from './stacks.js';

eachRegion((region, run) => {
  describe('security groups, rule by rule', () => {
    const rules = (type: string) =>
      run()
        .ofType(type)
        .map((r) => ({
          group: withoutRegion(groupOf(r.inputs.securityGroupId), region),
          port: r.inputs.fromPort,
          toPort: r.inputs.toPort,
          protocol: r.inputs.ipProtocol,
          peer: r.inputs.referencedSecurityGroupId
            ? withoutRegion(groupOf(r.inputs.referencedSecurityGroupId), region)
            : (r.inputs.prefixListId ?? r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6),
        }))
        .sort((a, b) => `${a.group}${a.port}`.localeCompare(`${b.group}${b.port}`));

    it('lets in only CloudFront to the ALB, the ALB to the instances, the instances to the data stores; the internal port only from the ALB and the scrapers', () => {
      expect(rules(T.ingress)).toEqual([
        { group: '<region>-alb-sg', port: 443, toPort: 443, protocol: 'tcp', peer: `pl-cloudfront-${region}` },
        { group: '<region>-cache-sg', port: 6379, toPort: 6379, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-db-sg', port: 5432, toPort: 5432, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-endpoints-sg', port: 443, toPort: 443, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-instance-sg', port: 3000, toPort: 3000, protocol: 'tcp', peer: '<region>-alb-sg' },
        { group: '<region>-instance-sg', port: 9100, toPort: 9100, protocol: 'tcp', peer: '<region>-alb-sg' },
        { group: '<region>-instance-sg', port: 9100, toPort: 9100, protocol: 'tcp', peer: '<region>-scraper-sg' },
      ]);
    });

    it('lets out only what each tier needs', () => {
      expect(rules(T.egress)).toEqual([
        { group: '<region>-alb-sg', port: 3000, toPort: 3000, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-alb-sg', port: 9100, toPort: 9100, protocol: 'tcp', peer: '<region>-instance-sg' },
        { group: '<region>-instance-sg', port: 443, toPort: 443, protocol: 'tcp', peer: '0.0.0.0/0' },
        { group: '<region>-instance-sg', port: 5432, toPort: 5432, protocol: 'tcp', peer: '<region>-db-sg' },
        { group: '<region>-instance-sg', port: 6379, toPort: 6379, protocol: 'tcp', peer: '<region>-cache-sg' },
        { group: '<region>-scraper-sg', port: 9100, toPort: 9100, protocol: 'tcp', peer: '<region>-instance-sg' },
      ]);
    });

    it('has no inline rules, no SSH and nothing open to the internet', () => {
      for (const sg of run().ofType(T.sg)) {
        expect(sg.inputs.ingress ?? []).toEqual([]);
        expect(sg.inputs.egress ?? []).toEqual([]);
      }
      for (const r of run().ofType(T.ingress)) {
        expect(r.inputs.cidrIpv4).toBeUndefined();
        expect(r.inputs.cidrIpv6).toBeUndefined();
        expect(r.inputs.fromPort).not.toBe(22);
      }
    });

    it('takes the ALB source from the CloudFront origin-facing managed prefix list', () => {
      const lookups = run().invokes.filter((i) => i.token === 'aws:ec2/getManagedPrefixList:getManagedPrefixList');
      expect(lookups.map((i) => i.inputs.name)).toEqual(['com.amazonaws.global.cloudfront.origin-facing']);
    });
  });
});
