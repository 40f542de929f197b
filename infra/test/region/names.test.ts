// AWS names a regional stack sets itself are scoped by stack (issue #10 item 9): a second environment in the same
// account (stack `staging-london` beside `london`) must not collide with the first on any of them.
import { describe, expect, it } from 'vitest';
import type { ProgramRun } from '../program.js';
import { fakeStorefront, regionConfig, runRegion, SECONDARY, STACK_OF } from '../region-harness.js';
import { eachRegion, T } from './stacks.js';

/** Every AWS name the program sets explicitly, by resource. */
function explicitNames(run: ProgramRun): Record<string, string> {
  const names: Record<string, string> = {};
  const take = (type: string, input: string) => {
    for (const r of run.ofType(type)) {
      const value = r.inputs[input];
      if (typeof value === 'string') names[`${r.type} ${r.name} ${input}`] = value;
    }
  };
  take(T.redis, 'replicationGroupId');
  take(T.redis, 'finalSnapshotIdentifier');
  take(T.cluster, 'finalSnapshotIdentifier');
  take('aws:kms/alias:Alias', 'name');
  take('aws:cloudwatch/logGroup:LogGroup', 'name');
  take('aws:cloudwatch/dashboard:Dashboard', 'dashboardName');
  take(T.secret, 'namePrefix');
  return names;
}

eachRegion((region, run) => {
  describe('names', () => {
    it('prefixes every name it sets with edgecart-<stack>', () => {
      const names = explicitNames(run());
      expect(Object.keys(names).length).toBeGreaterThanOrEqual(8);
      for (const [what, name] of Object.entries(names)) {
        expect(name, what).toMatch(new RegExp(`^(alias/|/)?edgecart-${STACK_OF[region]}(\\b|/|-)`));
      }
    });
  });
});

describe('a second environment in the same account', () => {
  it('shares no name with the first', async () => {
    const sf = fakeStorefront();
    try {
      const config = regionConfig('london', { 'edgecart:storefrontDir': sf.dir });
      const first = explicitNames(await runRegion(config));
      STACK_OF[SECONDARY] = 'staging-london';
      const second = explicitNames(await runRegion(config));
      STACK_OF[SECONDARY] = 'london';
      const shared = Object.values(first).filter((n) => Object.values(second).includes(n));
      expect(shared).toEqual([]);
    } finally {
      sf.remove();
    }
  });
});
