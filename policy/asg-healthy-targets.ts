// `pulumi up` succeeds only when the fleet serves: the Auto Scaling Group waits for healthy targets, and Auto
// Scaling never replaces an instance that is still booting.
// - Provider docs, aws.autoscaling.Group, "Waiting for Capacity": with waitForElbCapacity (or minElbCapacity) the
//   provider waits for that many instances to be healthy in every attached target group; without it, only for
//   instances to be InService in the group, whether or not they answer.
// - EC2 Auto Scaling User Guide, "Set the health check grace period for an Auto Scaling group": an instance failing
//   ELB health checks within the grace period is not replaced; the period must cover the boot.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { INSTANCE_BOOT_SECONDS } from '../infra/limits.js';
import { T } from './types.js';

export const asgWaitsForHealthyTargets: ResourceValidationPolicy = {
  name: 'asg-waits-for-healthy-targets',
  description: `An ASG behind a load balancer waits for healthy targets, uses ELB health checks, grace period ≥ ${INSTANCE_BOOT_SECONDS} s.`,
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== T.autoScalingGroup) return;
    if ((props.targetGroupArns ?? []).length === 0) return;
    const wait = Number(props.waitForElbCapacity ?? props.minElbCapacity ?? 0);
    if (!(wait >= 1)) report('set waitForElbCapacity (or minElbCapacity) so the deploy waits for healthy targets');
    if (props.healthCheckType !== 'ELB')
      report(`healthCheckType is ${JSON.stringify(props.healthCheckType)}; use "ELB"`);
    const grace = Number(props.healthCheckGracePeriod ?? 300);
    if (grace < INSTANCE_BOOT_SECONDS) {
      report(
        `healthCheckGracePeriod ${grace} s is shorter than the boot time INSTANCE_BOOT_SECONDS (${INSTANCE_BOOT_SECONDS} s)`,
      );
    }
  },
};
