// Alarms, topic and dashboard of every regional stack.
import { describe, expect, it } from 'vitest';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('monitoring', () => {
    it('sends alarms to an encrypted topic with an e-mail subscription and keeps a dashboard', () => {
      const topic = byName(run(), 'aws:sns/topic:Topic', region, 'alarms');
      expect(topic.inputs.kmsMasterKeyId).toContain(`${region}-key`);
      const email = byName(run(), 'aws:sns/topicSubscription:TopicSubscription', region, 'alarms-email');
      expect(email.inputs).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com' });
      const metrics = run()
        .ofType(T.alarm)
        .map((a) => a.inputs.metricName);
      expect(metrics).toEqual(
        expect.arrayContaining([
          'HealthyHostCount',
          'HTTPCode_Target_5XX_Count',
          'TargetResponseTime',
          'EngineCPUUtilization',
          'DatabaseMemoryUsagePercentage',
          'CPUUtilization',
          'AuroraGlobalDBReplicationLag',
        ]),
      );
      const board = JSON.parse(
        byName(run(), 'aws:cloudwatch/dashboard:Dashboard', region, 'dashboard').inputs.dashboardBody,
      );
      const shown = JSON.stringify(board);
      for (const m of [
        'TargetResponseTime',
        'HTTPCode_Target_5XX_Count',
        'RequestCount',
        'HealthyHostCount',
        'GroupInServiceInstances',
        'Evictions',
        'AuroraReplicaLag',
        'CacheHitRate',
        'DatabaseConnections',
      ]) {
        expect(shown).toContain(m);
      }
      for (const stat of ['p50', 'p95', 'p99']) expect(shown).toContain(`"stat":"${stat}"`);
    });
  });
});
