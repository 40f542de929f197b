// The storefront files every regional stack uploads into its own region's assets bucket (which the global stack
// creates: infra/test/global-assets.test.ts).
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../region-harness.js';
import { eachRegion, T } from './stacks.js';

eachRegion((region, run) => {
  describe('assets', () => {
    it('uploads the storefront into its own region’s bucket', () => {
      const objects = run().ofType(T.object);
      expect(objects.map((o) => o.inputs.key).sort()).toEqual(['assets/index-AbCd1234.js', 'index.html']);
      for (const o of objects) expect(o.inputs.bucket).toBe(bucketOf(region));
    });

    it('creates no assets bucket: assets buckets and their replication belong to the global stack', () => {
      // The one bucket a region owns receives its load balancer's access logs (ELB wants it in the ALB's region).
      const buckets = run().ofType(T.bucket);
      expect(buckets.map((b) => b.inputs.bucket)).toEqual([expect.stringMatching(/-alb-logs-\d{12}$/)]);
      expect(run().ofType(T.replication)).toEqual([]);
    });
  });
});
