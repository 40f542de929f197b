// Regional stacks are identical apart from what config and role decide.
import { describe, expect, it } from 'vitest';
import { assetsBucketName } from '../../contract.js';
import { ACCOUNT_ID } from '../mocks.js';
import type { ProgramRun } from '../program.js';
import { graph, isSecretInput, PRIMARY, SECONDARY, THIRD, unsecret, withoutRegion } from '../region-harness.js';
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

  it('two secondaries differ only by who owns the asset replication', () => {
    expect(diff(graph(runs().third, THIRD), graph(runs().london, SECONDARY))).toEqual({
      onlyA: [
        'aws:iam/role:Role <region>-assets-replication-role',
        'aws:iam/rolePolicy:RolePolicy <region>-assets-replication-policy',
        'aws:s3/bucketReplicationConfig:BucketReplicationConfig <region>-assets-replication',
        'edgecart:region:AssetReplication <region>-asset-replication',
        'pulumi:providers:aws ap-south-1-from-<region>',
      ],
      onlyB: [],
    });
  });

  it('gives the same resource the same inputs in every region, once region names are taken out', () => {
    // The uploads bucket is the primary's in every region (by design), so it is named, not region-stripped.
    const uploads = assetsBucketName(ACCOUNT_ID, PRIMARY);
    const neutral = (run: ProgramRun, region: string, type: string, suffix: string) =>
      JSON.parse(
        withoutRegion(
          JSON.stringify(run.byName(type, `${region}-${suffix}`).inputs)
            .split(uploads)
            .join('<uploads>'),
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
    // Ready for a switchover: when the primary is demoted it forwards writes at once.
    expect(primary.enableGlobalWriteForwarding).toBe(true);
    expect(runs().mumbai.ofType(T.instance)).toHaveLength(2);
    for (const [region, run] of [
      [SECONDARY, runs().london],
      [THIRD, runs().third],
    ] as const) {
      const secondary = run.byName(T.cluster, `${region}-aurora`).inputs;
      expect(secondary.enableGlobalWriteForwarding).toBe(true);
      expect(secondary.masterPassword).toBeUndefined();
      expect(secondary.masterUsername).toBeUndefined();
      expect(run.ofType(T.instance)).toHaveLength(1);
    }
  });
});
