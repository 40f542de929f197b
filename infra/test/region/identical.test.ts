// Regional stacks are identical apart from what config and role decide.
import { describe, expect, it } from 'vitest';
import type { ProgramRun } from '../program.js';
import {
  bucketOf,
  fakeStorefront,
  graph,
  isSecretInput,
  PRIMARY,
  regionConfig,
  runRegion,
  SECONDARY,
  THIRD,
  unsecret,
  withoutRegion,
  withoutStack,
} from '../region-harness.js';
import { T, useRegionRuns } from './stacks.js';

const runs = useRegionRuns();

describe('regions are identical apart from what config and role decide', () => {
  const diff = (a: string[], b: string[]) => {
    const rest = [...b];
    const onlyA: string[] = [];
    for (const x of a) {
      const i = rest.indexOf(x);
      if (i >= 0) rest.splice(i, 1);
      else onlyA.push(x);
    }
    return { onlyA, onlyB: rest };
  };

  it('primary and secondary differ only by the writer instance', () => {
    expect(diff(graph(runs().mumbai, PRIMARY), graph(runs().london, SECONDARY))).toEqual({
      onlyA: ['aws:rds/clusterInstance:ClusterInstance <region>-aurora-2'],
      onlyB: [],
    });
  });

  it('two secondaries are the same graph: a third region is a copy of London', () => {
    expect(diff(graph(runs().third, THIRD), graph(runs().london, SECONDARY))).toEqual({ onlyA: [], onlyB: [] });
  });

  it('adding a region changes no existing regional stack (same graph, same inputs)', async () => {
    // London as it runs before and after ap-southeast-1 is added to the global stack's regions. Under the old
    // design ("the last secondary owns the primary bucket's replication") London's graph changed here.
    const sf = fakeStorefront();
    try {
      const config = regionConfig('london', { 'edgecart:storefrontDir': sf.dir });
      const before = await runRegion(config, [PRIMARY, SECONDARY]);
      const after = await runRegion(config, [PRIMARY, SECONDARY, THIRD]);
      expect(graph(after, SECONDARY)).toEqual(graph(before, SECONDARY));
      const inputs = (run: ProgramRun) => run.resources.map((r) => [r.type, r.name, r.inputs]);
      expect(inputs(after)).toEqual(inputs(before));
      // Nothing in a regional stack acts on another region.
      for (const r of after.resources.filter((x) => x.type.startsWith('aws:'))) {
        expect(r.provider ?? '', `${r.type} ${r.name}`).toContain(`::pulumi:providers:aws::${SECONDARY}::`);
        expect(r.inputs.region ?? SECONDARY, `${r.type} ${r.name}`).toBe(SECONDARY);
      }
    } finally {
      sf.remove();
    }
  });

  it('gives the same resource the same inputs in every region, once region and stack names are taken out', () => {
    // The uploads bucket is the primary's in every region (by design), so it is named, not region-stripped.
    const uploads = bucketOf(PRIMARY);
    const neutral = (run: ProgramRun, region: string, type: string, suffix: string) =>
      JSON.parse(
        withoutRegion(
          withoutStack(
            JSON.stringify(run.byName(type, `${region}-${suffix}`).inputs)
              .split(uploads)
              .join('<uploads>')
              // Final snapshot names end in a random suffix per create (by design).
              .replace(/-final-[0-9a-f]{8}/g, '-final-<random>'),
            region,
          ),
          region,
        ),
      );
    for (const [type, suffix] of [
      [T.tg, 'tg'],
      [T.listener, 'https'],
      [T.alb, 'alb'],
      [T.redis, 'redis'],
      [T.asg, 'service-asg'],
      [T.healthCheck, 'origin-health'],
      [T.record, 'origin-latency'],
      [T.rolePolicy, 'instance-policy'],
    ] as const) {
      expect(neutral(runs().london, SECONDARY, type, suffix), `${type}`).toEqual(
        neutral(runs().third, THIRD, type, suffix),
      );
      expect(neutral(runs().london, SECONDARY, type, suffix), `${type}`).toEqual(
        neutral(runs().mumbai, PRIMARY, type, suffix),
      );
    }
  });

  it('makes the primary the writer and a secondary a write-forwarding reader cluster', () => {
    const primary = runs().mumbai.byName(T.cluster, `${PRIMARY}-aurora`).inputs;
    expect(primary).toMatchObject({ databaseName: 'edgecart', masterUsername: 'edgecart' });
    expect(isSecretInput(primary.masterPassword)).toBe(true);
    expect(unsecret(primary.masterPassword)).toBe('mock-master-password');
    // Ready for a switchover: when the primary is demoted it forwards writes at once; meanwhile its readers
    // forward to its own writer (local write forwarding), which is how its instances write.
    expect(primary.enableGlobalWriteForwarding).toBe(true);
    expect(primary.enableLocalWriteForwarding).toBe(true);
    expect(runs().mumbai.ofType(T.instance)).toHaveLength(2);
    for (const [region, run] of [
      [SECONDARY, runs().london],
      [THIRD, runs().third],
    ] as const) {
      const secondary = run.byName(T.cluster, `${region}-aurora`).inputs;
      expect(secondary.enableGlobalWriteForwarding).toBe(true);
      // Applied once a switchover or failover makes it the primary.
      expect(secondary.enableLocalWriteForwarding).toBe(true);
      expect(secondary.masterPassword).toBeUndefined();
      expect(secondary.masterUsername).toBeUndefined();
      expect(run.ofType(T.instance)).toHaveLength(1);
    }
  });
});
