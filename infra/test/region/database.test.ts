// The regional Aurora cluster, its instances and cluster parameters in every regional stack.
import { describe, expect, it } from 'vitest';
import { STACK_OF } from '../region-harness.js';
import { byName, eachRegion, T } from './stacks.js';

eachRegion((region, run) => {
  describe('database', () => {
    it('encrypts Aurora with the regional key, protects it and keeps 7 days of backups and a final snapshot', () => {
      const cluster = byName(run(), T.cluster, region, 'aurora');
      expect(cluster.inputs).toMatchObject({
        engine: 'aurora-postgresql',
        engineVersion: '16.6',
        globalClusterIdentifier: 'edgecart-global',
        storageEncrypted: true,
        deletionProtection: true,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: false,
      });
      expect(cluster.inputs.kmsKeyId).toContain(`${region}-key`);
      // Stack-scoped and unique per create (issue #10 item 9): RDS refuses an identifier that exists already.
      expect(cluster.inputs.finalSnapshotIdentifier).toMatch(
        new RegExp(`^edgecart-${STACK_OF[region]}-aurora-final-[0-9a-f]{8}$`),
      );
      const suffix = run().optionsOf('random:index/randomId:RandomId', `${region}-aurora-final-snapshot-suffix`);
      expect(suffix.protect).toBe(false);
      expect(cluster.inputs.dbSubnetGroupName).toBe(`${region}-db-subnets`);
      expect(cluster.inputs.vpcSecurityGroupIds).toEqual([`${region}-db-sg-id`]);
      expect(run().optionsOf(T.cluster, `${region}-aurora`).protect).toBe(true);
      for (const instance of run().ofType(T.instance)) {
        expect(instance.inputs.performanceInsightsEnabled).toBe(true);
        expect(instance.inputs.publiclyAccessible).toBe(false);
        expect(run().optionsOf(T.instance, instance.name).protect).toBe(true);
      }
    });

    it('forces TLS and read-your-writes consistency for forwarded writes, in values RDS accepts (issue #10 item 3)', () => {
      const params = byName(run(), T.params, region, 'db-cluster-params');
      expect(params.inputs.family).toBe('aurora-postgresql16');
      expect(params.inputs.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
          // Lower case as the parameter metadata lists it (off, eventual, session, global); static, so only
          // `pending-reboot` is accepted.
          { name: 'apg_write_forward.consistency_mode', value: 'session', applyMethod: 'pending-reboot' },
        ]),
      );
    });

    it('lets the global cluster drive engine versions: members ignore engineVersion, no automatic minor upgrades (issue #10 item 6)', () => {
      expect(run().optionsOf(T.cluster, `${region}-aurora`).ignoreChanges).toContain('engineVersion');
      const instances = run().ofType(T.instance);
      expect(instances.length).toBeGreaterThan(0);
      for (const instance of instances) {
        expect(run().optionsOf(T.instance, instance.name).ignoreChanges).toContain('engineVersion');
        expect(instance.inputs.autoMinorVersionUpgrade).toBe(false);
      }
    });

    it('opts the member cluster out of paid Extended Support, as the global cluster is (issue #20 item 7)', () => {
      // Unset, the provider creates the member with `open-source-rds-extended-support`.
      expect(run().byName(T.cluster, `${region}-aurora`).inputs.engineLifecycleSupport).toBe(
        'open-source-rds-extended-support-disabled',
      );
      // Create-only in the provider (its update never sends it): an older cluster must not diff on every run.
      expect(run().optionsOf(T.cluster, `${region}-aurora`).ignoreChanges).toContain('engineLifecycleSupport');
    });
  });
});
