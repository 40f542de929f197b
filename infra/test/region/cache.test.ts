// ElastiCache Redis in every regional stack.
import { describe, expect, it } from 'vitest';
import { isSecretInput, unsecret } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('cache', () => {
    it('runs Redis with a replica in another AZ, automatic failover, TLS, encryption at rest, AUTH and snapshots', () => {
      const redis = byName(run(), T.redis, region, 'redis');
      expect(redis.inputs).toMatchObject({
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        port: 6379,
      });
      expect(isSecretInput(redis.inputs.authToken)).toBe(true);
      expect(unsecret(redis.inputs.authToken)).toMatch(/^p{64}$/);
      expect(new Set(redis.inputs.preferredCacheClusterAzs).size).toBe(2);
      expect(redis.inputs.snapshotRetentionLimit).toBeGreaterThanOrEqual(1);
      expect(redis.inputs.kmsKeyId).toContain(`${region}-key`);
      expect(run().optionsOf(T.redis, `${region}-redis`).protect).toBe(true);
    });
  });
});
