// Boot order (issue #20 item 4, test d): in the primary each container runs migrations first and exits while the
// database has no writer, so the fleet must not start before the cluster's instances exist. The Aurora cluster
// resource is available before any instance, so depending on the cluster is not enough; the launch template (and
// so the Auto Scaling Group that boots from it) must wait for the writer instance itself.
import { describe, expect, it } from 'vitest';
import { PRIMARY, SECONDARY } from '../region-harness.js';
import { T, useRegionRuns } from './stacks.js';

const runs = useRegionRuns();

/** Every URN a registration waits for, directly or through what it waits for. */
function waitsFor(registrations: { urn: string; dependencies: string[] }[], urn: string): Set<string> {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const visit = (u: string) => {
    for (const d of byUrn.get(u)?.dependencies ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(urn);
  return seen;
}

describe.each([
  ['mumbai', PRIMARY],
  ['london', SECONDARY],
] as const)('%s', (stack, region) => {
  it('boots no instance before the cluster has its instances (the writer in the primary)', () => {
    const run = runs()[stack];
    const of = (type: string) => run.registrations.filter((r) => r.type === type);
    const instances = of(T.instance).map((r) => r.urn);
    expect(instances.length).toBeGreaterThan(0);
    for (const boot of [...of(T.lt), ...of(T.asg)]) {
      const deps = waitsFor(run.registrations, boot.urn);
      for (const instance of instances) expect(deps, `${boot.name} waits for ${instance}`).toContain(instance);
    }
    if (stack === 'mumbai') expect(instances.some((u) => u.endsWith(`::${region}-aurora-1`))).toBe(true);
  });
});
