// The regional Aurora cluster, its instances and cluster parameters in every regional stack.
import { describe, expect, it } from 'vitest';
import { T, eachRegion, byName } from './stacks.js';

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
      expect(cluster.inputs.finalSnapshotIdentifier).toContain(region);
      expect(cluster.inputs.dbSubnetGroupName).toBe(`${region}-db-subnets`);
      expect(cluster.inputs.vpcSecurityGroupIds).toEqual([`${region}-db-sg-id`]);
      expect(run().optionsOf(T.cluster, `${region}-aurora`).protect).toBe(true);
      for (const instance of run().ofType(T.instance)) {
        expect(instance.inputs.performanceInsightsEnabled).toBe(true);
        expect(instance.inputs.publiclyAccessible).toBe(false);
        expect(run().optionsOf(T.instance, instance.name).protect).toBe(true);
      }
    });

    it('forces TLS and read-your-writes consistency for forwarded writes', () => {
      const params = byName(run(), T.params, region, 'db-cluster-params');
      expect(params.inputs.family).toBe('aurora-postgresql16');
      expect(params.inputs.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
          expect.objectContaining({ name: 'apg_write_forward.consistency_mode', value: 'SESSION' }),
        ]),
      );
    });
  });
});
