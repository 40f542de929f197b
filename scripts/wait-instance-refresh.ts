// Waits for the instance refresh a deploy started in one region to finish, and says what to do when it did not
// succeed (issue #21). `pulumi up` returns as soon as the provider has called StartInstanceRefresh (terraform-
// provider-aws group.go: the update waits for capacity only on minSize/desiredCapacity changes), so without this the
// next region would deploy before the release has served a shopper here.
//
//   node --import tsx scripts/wait-instance-refresh.ts --region ap-south-1 --group <asg name> \
//     --since 2026-12-02T08:00:00Z --expect-version 7 [--timeout-seconds 5400] [--interval-seconds 30]
//
// The refresh is the newest one started at or after --since (when `pulumi up` began); none means the launch
// template did not change. Either way the group must end on --expect-version, the launch template version the
// stack deployed: after an automatic rollback the group is back on the previous version while Pulumi's state
// holds the new one, so a re-run that changes nothing must not pass for a release; and so must every instance
// (after a cancelled refresh the group is on the new version, some instances are not). Exit 0 only when the region
// runs the expected version; 1 otherwise, with the reason and the operator's next step (docs/deploy.md,
// "Releasing"). Statuses: EC2 Auto Scaling API Reference, InstanceRefresh.Status. Uses the AWS CLI (the runner
// has it, and a test replays it with a fake on PATH).
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);

export interface InstanceRefresh {
  InstanceRefreshId: string;
  Status: string;
  StatusReason?: string;
  StartTime?: string;
  PercentageComplete?: number;
  InstancesToUpdate?: number;
}

/** Still moving: keep waiting. Baking is the wait after the last instance (BakeTime). */
const RUNNING = new Set(['Pending', 'InProgress', 'Baking', 'Cancelling', 'RollbackInProgress']);

export interface Outcome {
  ok: boolean;
  message: string;
}

/** What a finished refresh means for the rollout, in words an operator can act on. */
export function judge(region: string, group: string, refresh: InstanceRefresh): Outcome {
  const reason = refresh.StatusReason ? ` (${refresh.StatusReason})` : '';
  const id = refresh.InstanceRefreshId;
  switch (refresh.Status) {
    case 'Successful':
      return { ok: true, message: `${region}: instance refresh ${id} Successful, every instance runs the release` };
    case 'RollbackSuccessful':
      return {
        ok: false,
        message: `${region}: the release was ROLLED BACK${reason}; ${group} runs the previous release again. The rollout stops here: no later region got it. Find the cause (alarms, logs), then fix forward with a new commit.`,
      };
    case 'RollbackFailed':
      return {
        ok: false,
        message: `${region}: the release failed and its ROLLBACK FAILED${reason}; ${group} may run both releases. Page the on-call (docs/deploy.md, "Releasing": RollbackFailed): aws autoscaling describe-scaling-activities --region ${region} --auto-scaling-group-name ${group}`,
      };
    case 'Failed':
      return {
        ok: false,
        message: `${region}: instance refresh ${id} FAILED without rolling back${reason}; instances it replaced run the new release, the others the previous one. A finished refresh cannot be rolled back: start a refresh to the previous launch template version, then revert or fix forward (docs/deploy.md, "Releasing": Failed).`,
      };
    case 'Cancelled':
      return {
        ok: false,
        message: `${region}: instance refresh ${id} was CANCELLED${reason}; instances it replaced keep the new release, the others the previous one. The rollout stops. Re-running the deploy starts no refresh (the template is unchanged): start one with the cancelled refresh's preferences, or revert (docs/deploy.md, "Releasing": Cancelled).`,
      };
    default:
      return { ok: false, message: `${region}: instance refresh ${id} ended in ${refresh.Status}${reason}` };
  }
}

/** Tolerated difference between the runner's clock and AWS's (a deploy's refresh starts minutes after `since`). */
const CLOCK_SKEW_MS = 60_000;

/** The refresh this deploy started: the newest one that began at or after `since` (deploys never overlap). */
export function refreshSince(refreshes: InstanceRefresh[], since: Date): InstanceRefresh | undefined {
  return refreshes
    .filter((r) => r.StartTime !== undefined && Date.parse(r.StartTime) >= since.getTime() - CLOCK_SKEW_MS)
    .sort((a, b) => Date.parse(b.StartTime!) - Date.parse(a.StartTime!))[0];
}

async function aws(region: string, args: string[]): Promise<any> {
  const { stdout } = await run('aws', [...args, '--region', region, '--output', 'json']);
  return JSON.parse(stdout);
}

async function describeRefreshes(region: string, group: string): Promise<InstanceRefresh[]> {
  const out = await aws(region, [
    'autoscaling',
    'describe-instance-refreshes',
    '--auto-scaling-group-name',
    group,
    '--max-records',
    '10',
  ]);
  return out.InstanceRefreshes ?? [];
}

interface GroupState {
  version?: string;
  /** Launch template version of each instance that is not on its way out. */
  instanceVersions: string[];
}

async function groupState(region: string, group: string): Promise<GroupState> {
  const out = await aws(region, ['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', group]);
  const g = out.AutoScalingGroups?.[0];
  const instances: { LifecycleState?: string; LaunchTemplate?: { Version?: string } }[] = g?.Instances ?? [];
  const staying = instances.filter((i) => !(i.LifecycleState ?? '').startsWith('Terminat'));
  return {
    version: g?.LaunchTemplate?.Version,
    instanceVersions: staying.map((i) => i.LaunchTemplate?.Version ?? '?'),
  };
}

export interface WaitOptions {
  region: string;
  group: string;
  since: Date;
  expectVersion: string;
  timeoutSeconds: number;
  intervalSeconds: number;
  log: (line: string) => void;
}

export async function waitForRefresh(o: WaitOptions): Promise<Outcome> {
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const refresh = refreshSince(await describeRefreshes(o.region, o.group), o.since);
    if (refresh && RUNNING.has(refresh.Status)) {
      const line = `${o.region}: ${refresh.InstanceRefreshId} ${refresh.Status}, ${refresh.PercentageComplete ?? 0} % done, ${refresh.InstancesToUpdate ?? '?'} to update${refresh.StatusReason ? `: ${refresh.StatusReason}` : ''}`;
      if (line !== last) o.log(line);
      last = line;
      if (Date.now() >= deadline) {
        return {
          ok: false,
          message: `${o.region}: instance refresh ${refresh.InstanceRefreshId} still ${refresh.Status} after ${o.timeoutSeconds} s. It goes on in AWS; the rollout stops. Watch it with aws autoscaling describe-instance-refreshes --region ${o.region} --auto-scaling-group-name ${o.group}`,
        };
      }
      await sleep(o.intervalSeconds * 1000);
      continue;
    }
    const outcome: Outcome = refresh
      ? judge(o.region, o.group, refresh)
      : {
          ok: true,
          message: `${o.region}: no instance refresh started by this deploy (the launch template did not change)`,
        };
    if (!outcome.ok) return outcome;
    const { version, instanceVersions } = await groupState(o.region, o.group);
    if (version !== o.expectVersion) {
      return {
        ok: false,
        message: `${o.region}: ${o.group} is on launch template version ${version}, the stack deployed ${o.expectVersion}: an earlier refresh of this release was rolled back or cancelled. The release has not proved itself here; fix forward with a new commit (or \`pulumi up --refresh\` to retry it).`,
      };
    }
    // The group's version moves when `pulumi up` updates it, its instances only through a refresh: after a cancelled
    // one (or a deploy that started none) some still run the previous release.
    const behind = instanceVersions.filter((v) => v !== o.expectVersion);
    if (behind.length > 0) {
      return {
        ok: false,
        message: `${o.region}: ${behind.length} of ${instanceVersions.length} instances of ${o.group} run launch template version ${[...new Set(behind)].join(', ')}, not ${o.expectVersion}: a refresh of this release was cancelled or never ran. Start one with the cancelled refresh's preferences (docs/deploy.md, "Releasing": Cancelled), then re-run this job.`,
      };
    }
    return outcome;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      region: { type: 'string' },
      group: { type: 'string' },
      since: { type: 'string' },
      'expect-version': { type: 'string' },
      'timeout-seconds': { type: 'string', default: '5400' },
      'interval-seconds': { type: 'string', default: '30' },
    },
  });
  const since = new Date(values.since ?? '');
  if (!values.region || !values.group || !values['expect-version'] || Number.isNaN(since.getTime())) {
    console.error(
      'usage: wait-instance-refresh.ts --region <region> --group <asg name> --since <ISO time> --expect-version <n> [--timeout-seconds s] [--interval-seconds s]',
    );
    return 2;
  }
  const outcome = await waitForRefresh({
    region: values.region,
    group: values.group,
    since,
    expectVersion: values['expect-version'],
    timeoutSeconds: Number(values['timeout-seconds']),
    intervalSeconds: Number(values['interval-seconds']),
    log: (line) => console.log(line),
  });
  // On GitHub Actions the reason also shows as an annotation on the run.
  if (!outcome.ok && process.env.GITHUB_ACTIONS === 'true')
    console.log(`::error title=Rollout stopped::${outcome.message}`);
  (outcome.ok ? console.log : console.error)(outcome.message);
  return outcome.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`wait-instance-refresh: ${err instanceof Error ? err.message : err}`);
      process.exit(1);
    },
  );
}
