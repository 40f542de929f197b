// Every instance refresh is guarded (issue #21): it pauses at a canary checkpoint, watches the release alarms and
// rolls back by itself. The rules AWS enforces, or that decide whether the guard works at all:
// - Rollback "is not supported" without a desired configuration, with $Latest or $Default, or when the launch
//   template takes its image from an SSM parameter instead of an AMI ID (EC2 Auto Scaling API Reference,
//   RefreshPreferences: AutoRollback; User Guide, "Undo changes with a manual or auto rollback"). The provider
//   sends the group's launch template as the desired configuration when autoRollback is true
//   (terraform-provider-aws internal/service/autoscaling/group.go, expandStartInstanceRefreshInput).
// - CheckpointPercentages ascending, unique, the last 100 to replace every instance; CheckpointDelay only with
//   them, 0-172800 s (RefreshPreferences). MinHealthyPercentage 0-100, MaxHealthyPercentage 100-200, at most 100
//   apart (InstanceMaintenancePolicy; group.go validates the same ranges).
// - AlarmSpecification: up to 10 alarm names (API Reference, AlarmSpecification). Ours: each an alarm of this
//   stack, and able to reach ALARM before the refresh leaves its checkpoint (datapoints to alarm × period, plus one
//   period for the last datapoint to close), or the canary proves nothing.
// - SkipMatching compares launch template versions only: it "doesn't know if the user data script pulls updated
//   code" (User Guide, "Use an instance refresh with skip matching"), so with it the user data must pin the image
//   by digest, making every release a new version.
import type { PolicyResource, ReportViolation, StackValidationPolicy } from '@pulumi/policy';
import { ofType, T, userDataVariables } from './types.js';

const MAX_ALARMS = 10;
const MAX_CHECKPOINT_DELAY_SECONDS = 172_800;

/** Seconds from the first bad minute until the alarm can be in ALARM. */
export function secondsToAlarm(alarm: Record<string, any>): number {
  const period = Number(
    alarm.period ?? Math.max(0, ...(alarm.metricQueries ?? []).map((q: any) => Number(q.metric?.period ?? 0))),
  );
  const datapoints = Number(alarm.datapointsToAlarm ?? alarm.evaluationPeriods ?? 1);
  return (datapoints + 1) * period;
}

function checkCheckpoints(name: string, prefs: Record<string, any>, report: (m: string) => void): number | undefined {
  const percentages: unknown[] = prefs.checkpointPercentages ?? [];
  if (percentages.length === 0) {
    if (prefs.checkpointDelay !== undefined) report(`${name}: checkpointDelay without checkpointPercentages`);
    report(`${name}: no checkpointPercentages; a release needs a canary checkpoint before the whole fleet`);
    return undefined;
  }
  const valid = percentages.every((p) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 100);
  const ascending = percentages.every((p, i) => i === 0 || (p as number) > (percentages[i - 1] as number));
  if (!valid || !ascending)
    report(`${name}: checkpointPercentages ${JSON.stringify(percentages)} must be unique integers 1-100, ascending`);
  if (percentages.at(-1) !== 100)
    report(`${name}: the last checkpoint is ${percentages.at(-1)}, not 100: the refresh would stop short of the fleet`);
  // Without a delay AWS waits 3600 s at each checkpoint (RefreshPreferences: CheckpointDelay).
  const delay = prefs.checkpointDelay === undefined ? 3600 : Number(prefs.checkpointDelay);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_CHECKPOINT_DELAY_SECONDS)
    report(`${name}: checkpointDelay ${prefs.checkpointDelay} is outside 0-${MAX_CHECKPOINT_DELAY_SECONDS} s`);
  return delay;
}

function checkHealthyPercentages(name: string, prefs: Record<string, any>, report: (m: string) => void): void {
  const min = Number(prefs.minHealthyPercentage ?? 90);
  const max = Number(prefs.maxHealthyPercentage ?? 100);
  if (min < 0 || min > 100) report(`${name}: minHealthyPercentage ${min} is outside 0-100`);
  if (max < 100 || max > 200) report(`${name}: maxHealthyPercentage ${max} is outside 100-200`);
  if (max - min > 100)
    report(`${name}: maxHealthyPercentage ${max} and minHealthyPercentage ${min} are over 100 apart`);
}

function checkRollback(
  group: PolicyResource,
  template: PolicyResource | undefined,
  prefs: Record<string, any>,
  report: (m: string) => void,
): void {
  if (prefs.autoRollback !== true) {
    report(`${group.name}: autoRollback is not true; a refresh that trips an alarm would leave the release running`);
    return;
  }
  const version = String(group.props.launchTemplate?.version ?? '');
  if (!/^\d+$/.test(version))
    report(`${group.name}: launch template version ${JSON.stringify(version)}; rollback needs a numbered version`);
  if (template && String(template.props.imageId ?? '').startsWith('resolve:ssm:'))
    report(`${group.name}: ${template.name} takes its AMI from an SSM parameter at launch; rollback needs an AMI ID`);
}

function checkAlarms(
  group: PolicyResource,
  prefs: Record<string, any>,
  delay: number | undefined,
  alarms: PolicyResource[],
  report: (m: string) => void,
): void {
  const names: unknown[] = prefs.alarmSpecification?.alarms ?? [];
  if (names.length === 0) report(`${group.name}: no alarmSpecification; nothing stops a release that hurts shoppers`);
  if (names.length > MAX_ALARMS) report(`${group.name}: ${names.length} alarms, AWS takes at most ${MAX_ALARMS}`);
  for (const name of names) {
    const alarm = alarms.find((a) => a.props.name === name || a.props.alarmName === name);
    if (!alarm) {
      report(`${group.name}: alarm ${JSON.stringify(name)} is not an alarm of this stack`);
      continue;
    }
    if (alarm.type !== T.metricAlarm || delay === undefined) continue;
    const needed = secondsToAlarm(alarm.props);
    if (needed > delay)
      report(
        `${group.name}: ${alarm.name} needs ${needed} s to reach ALARM, longer than the checkpoint delay of ${delay} s`,
      );
  }
}

export const instanceRefreshGuarded: StackValidationPolicy = {
  name: 'instance-refresh-guarded',
  description:
    'Instance refreshes pause at a canary checkpoint ending at 100 %, watch ≤ 10 alarms of the stack that can fire within the checkpoint delay, and roll back by themselves (numbered launch template version, AMI ID).',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation: ReportViolation) => {
    const alarms = [...ofType(resources, T.metricAlarm), ...ofType(resources, T.compositeAlarm)];
    for (const group of ofType(resources, T.autoScalingGroup)) {
      const refresh = group.props.instanceRefresh;
      const report = (message: string) => reportViolation(message, group.urn);
      if (!refresh) {
        report(`${group.name}: no instanceRefresh; a new launch template version would reach no running instance`);
        continue;
      }
      const prefs = refresh.preferences ?? {};
      // By URN from the stack's own list: the launch template the group's launchTemplate input came from.
      const templateUrn = (group.propertyDependencies.launchTemplate ?? []).find(
        (d) => d.type === T.launchTemplate,
      )?.urn;
      const template = resources.find((r) => r.urn === templateUrn);
      checkHealthyPercentages(group.name, prefs, report);
      const delay = checkCheckpoints(group.name, prefs, report);
      checkRollback(group, template, prefs, report);
      checkAlarms(group, prefs, delay, alarms, report);
      if (
        prefs.skipMatching === true &&
        template &&
        !/@sha256:[0-9a-f]{64}$/.test(userDataVariables(template.props.userData).IMAGE ?? '')
      )
        report(`${group.name}: skipMatching with an image not pinned by digest in ${template.name}'s user data`);
    }
  },
};
