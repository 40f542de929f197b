// Every regional resource is named after its region and built with that region’s provider.
import { expect, it } from 'vitest';
import { T, eachRegion } from './stacks.js';

eachRegion((region, run) => {
  it('names every resource after its region and builds it with that region’s provider', () => {
    for (const r of run().resources) {
      if (r.type === 'pulumi:pulumi:StackReference') continue;
      expect(r.name, r.type).toContain(region);
      if (r.type.startsWith('aws:') && r.type !== T.replication) {
        expect(r.provider ?? '', `${r.type} ${r.name}`).toContain(`::pulumi:providers:aws::${region}::`);
      }
    }
  });
});
