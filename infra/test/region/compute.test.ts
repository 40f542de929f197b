// Launch template, Auto Scaling Group and scaling policies in every regional stack.
import { describe, expect, it } from 'vitest';
import { INSTANCE_BOOT_SECONDS } from '../../limits.js';
import { byName, eachRegion, T } from './stacks.js';

eachRegion((region, run) => {
  describe('compute', () => {
    it('requires IMDSv2 and an encrypted gp3 root volume on Amazon Linux 2023', () => {
      const lt = byName(run(), T.lt, region, 'service-lt');
      expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: 'required', httpEndpoint: 'enabled' });
      expect(lt.inputs.blockDeviceMappings).toEqual([
        expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', volumeType: 'gp3' }) }),
      ]);
      expect(lt.inputs.imageId).toBe(`ami-al2023-${region}`);
      const ami = run().invokes.find((i) => i.token === 'aws:ssm/getParameter:getParameter')!;
      expect(ami.inputs.name).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
      expect(lt.inputs.keyName).toBeUndefined();
    });

    it('runs 2/2/10 in the private subnets with ELB health checks', () => {
      const asg = byName(run(), T.asg, region, 'service-asg');
      expect([asg.inputs.minSize, asg.inputs.desiredCapacity, asg.inputs.maxSize]).toEqual([2, 2, 10]);
      expect(asg.inputs.vpcZoneIdentifiers).toEqual(['a', 'b', 'c'].map((s) => `subnet-private-${region}${s}`));
      expect(asg.inputs.healthCheckType).toBe('ELB');
      expect(asg.inputs.targetGroupArns).toEqual([expect.stringContaining(`${region}-tg`)]);
    });

    it('rolls out a new launch template version by instance refresh, pinned, never $Latest', () => {
      const asg = byName(run(), T.asg, region, 'service-asg');
      expect(asg.inputs.launchTemplate.version).toBe('1');
      expect(asg.inputs.launchTemplate.version).not.toMatch(/\$(Latest|Default)/);
      expect(asg.inputs.instanceRefresh.strategy).toBe('Rolling');
      expect(asg.inputs.instanceRefresh.preferences.minHealthyPercentage).toBeGreaterThanOrEqual(90);
      expect(asg.inputs.instanceRefresh.preferences.autoRollback).toBe(true);
    });

    it('tracks CPU at 50% and ALB requests per target at 1000', () => {
      const policies = run()
        .ofType(T.policy)
        .map((p) => p.inputs.targetTrackingConfiguration);
      expect(policies).toEqual([
        { predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' }, targetValue: 50 },
        {
          predefinedMetricSpecification: {
            predefinedMetricType: 'ALBRequestCountPerTarget',
            resourceLabel: `app/${region}-alb/50dc6c495c0c9188/targetgroup/${region}-tg/73e2d6bc24d8a067`,
          },
          targetValue: 1000,
        },
      ]);
    });

    it('makes the first `pulumi up` wait for healthy targets, with a grace period no shorter than the boot (issue #10 item 8)', () => {
      const asg = byName(run(), T.asg, region, 'service-asg');
      // At least minSize instances healthy behind the ALB before the create counts as done. minElbCapacity, not
      // waitForElbCapacity: on update the provider would want exactly that many healthy targets (issue #21).
      expect(asg.inputs.minElbCapacity).toBe(asg.inputs.minSize);
      expect(asg.inputs.waitForElbCapacity).toBeUndefined();
      expect(asg.inputs.healthCheckGracePeriod).toBeGreaterThanOrEqual(INSTANCE_BOOT_SECONDS);
      expect(INSTANCE_BOOT_SECONDS).toBeGreaterThanOrEqual(30 * 10); // user-data.sh retries docker pull 30 × 10 s
      expect(Number.parseInt(String(asg.inputs.waitForCapacityTimeout), 10) * 60).toBeGreaterThan(
        INSTANCE_BOOT_SECONDS,
      );
    });

    it('creates the request-count scaling policy only after the target group is attached (issue #10 item 12)', () => {
      const policy = run()
        .ofType(T.policy)
        .find(
          (p) =>
            p.inputs.targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType ===
            'ALBRequestCountPerTarget',
        )!;
      const deps = run().optionsOf(T.policy, policy.name).dependencies;
      expect(deps.some((urn) => urn.endsWith(`${T.rule}::${region}-from-cloudfront`))).toBe(true);
    });
  });
});
