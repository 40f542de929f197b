// The first `pulumi up` succeeds only when the fleet serves: the Auto Scaling Group waits for healthy targets, and
// Auto Scaling never replaces an instance that is still booting.
// - terraform-provider-aws internal/service/autoscaling/group.go, resourceGroupCreate: with minElbCapacity (or
//   waitForElbCapacity, which takes precedence) the provider waits for *at least* that many instances healthy in
//   every attached target group; without either, only for instances InService in the group, answering or not.
// - Same file, resourceGroupUpdate: on update it waits only when minSize, desiredCapacity or desiredCapacityType
//   change (shouldWaitForCapacity), never for an instance refresh, and then for an *exact* count: exactly
//   max(minSize, desiredCapacity) instances in the group, and with waitForElbCapacity also exactly that many healthy
//   targets. A fleet the scaling policy grew past that count makes the wait hang for waitForCapacityTimeout and
//   fail; waitForElbCapacity adds a second exact count a scaled-out fleet never matches, while minElbCapacity is
//   read on create only, so minElbCapacity is the setting to use. A release is watched by the deploy workflow
//   instead (scripts/wait-instance-refresh.ts, issue #21).
// - EC2 Auto Scaling User Guide, "Set the health check grace period for an Auto Scaling group": an instance failing
//   ELB health checks within the grace period is not replaced; the period must cover the boot.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { INSTANCE_BOOT_SECONDS } from '../infra/limits.js';
import { T } from './types.js';

export const asgWaitsForHealthyTargets: ResourceValidationPolicy = {
  name: 'asg-waits-for-healthy-targets',
  description: `An ASG behind a load balancer waits for healthy targets on create (minElbCapacity, not the exact-count waitForElbCapacity), uses ELB health checks, grace period ≥ ${INSTANCE_BOOT_SECONDS} s.`,
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== T.autoScalingGroup) return;
    if ((props.targetGroupArns ?? []).length === 0) return;
    if (props.waitForElbCapacity !== undefined) {
      report(
        'waitForElbCapacity makes every minSize/desiredCapacity update wait for exactly that many healthy targets (group.go, resourceGroupUpdate); use minElbCapacity, read on create only',
      );
    } else if (!(Number(props.minElbCapacity ?? 0) >= 1)) {
      report('set minElbCapacity so the first deploy waits for healthy targets');
    }
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
