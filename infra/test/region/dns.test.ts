// Origin certificate and latency record of every regional stack.
import { describe, expect, it } from 'vitest';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('DNS', () => {
    it('adds a latency record in its own region, aliased to its ALB, guarded by an alarm-based health check', () => {
      const record = byName(run(), T.record, region, 'origin-latency');
      expect(record.inputs).toMatchObject({
        zoneId: 'Z0SHOPEXAMPLE',
        name: 'origin.shop.example.com',
        type: 'A',
        setIdentifier: region,
        latencyRoutingPolicies: [{ region }],
        healthCheckId: `${region}-origin-health-id`,
      });
      expect(record.inputs.aliases).toEqual([
        {
          name: `${region}-alb-1234567890.${region}.elb.amazonaws.com`,
          zoneId: 'ZELBMOCK',
          evaluateTargetHealth: true,
        },
      ]);
      // The region's health as Route 53 sees it: infra/test/region-health.test.ts (issue #14).
      const check = byName(run(), T.healthCheck, region, 'origin-health');
      expect(check.inputs).toMatchObject({ type: 'CALCULATED', childHealthThreshold: 2 });
    });

    it('validates its regional certificate with a record it may share with the other regions', () => {
      expect(byName(run(), T.cert, region, 'origin-cert').inputs).toMatchObject({
        domainName: 'origin.shop.example.com',
        validationMethod: 'DNS',
      });
      const validation = byName(run(), T.record, region, 'origin-cert-validation');
      expect(validation.inputs.allowOverwrite).toBe(true);
      // Shared by every region: destroying one regional stack must leave it for the others' renewals (item 10).
      expect(run().optionsOf(T.record, `${region}-origin-cert-validation`).retainOnDelete).toBe(true);
      expect(validation.inputs.name).toBe('_x1.origin.shop.example.com.');
    });
  });
});
