// The deploy workflow's wait for a region's instance refresh (scripts/wait-instance-refresh.ts), run as the workflow
// runs it, against a fake AWS CLI on PATH (scripts/test/fake-aws.mjs) that replays the states a refresh goes through.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'fake-aws-'));
writeFileSync(join(dir, 'aws'), `#!/bin/sh\nexec node ${join(root, 'scripts/test/fake-aws.mjs')} "$@"\n`);
chmodSync(join(dir, 'aws'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SINCE = '2026-12-02T08:00:00Z';
const GROUP = 'edgecart-mumbai-service-asg-5f1c2a9';
let scenarios = 0;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  calls: string[][];
}

const refresh = (Status: string, extra: Record<string, unknown> = {}) => ({
  InstanceRefreshId: 'ir-new',
  AutoScalingGroupName: GROUP,
  Status,
  StartTime: '2026-12-02T08:03:10Z',
  PercentageComplete: 0,
  InstancesToUpdate: 2,
  ...extra,
});
/** A refresh of an earlier deploy, listed after the new one as DescribeInstanceRefreshes does (newest first). */
const earlier = { InstanceRefreshId: 'ir-old', Status: 'Successful', StartTime: '2026-12-01T17:00:00Z' };

async function wait(
  scenario: { refreshes: unknown[][]; groupVersion: string; instances?: string[] },
  extra: string[] = [],
): Promise<Result> {
  const file = join(dir, `scenario-${++scenarios}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const args = ['--import', 'tsx', 'scripts/wait-instance-refresh.ts', '--region', 'ap-south-1', '--group', GROUP];
  args.push('--since', SINCE, '--expect-version', '7', '--interval-seconds', '0', ...extra);
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_AWS_SCENARIO: file, GITHUB_ACTIONS: 'true' };
  const result = await run('node', args, { cwd: root, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
  const calls = readFileSync(`${file}.calls`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return { ...result, calls };
}

describe('wait-instance-refresh', () => {
  it('waits through Pending, InProgress and the checkpoint until Successful, then checks the group version', async () => {
    const r = await wait({
      refreshes: [
        [refresh('Pending'), earlier],
        [refresh('InProgress', { PercentageComplete: 50, StatusReason: 'Waiting for checkpoint (600 s)' }), earlier],
        [refresh('InProgress', { PercentageComplete: 50, StatusReason: 'Waiting for checkpoint (600 s)' }), earlier],
        [refresh('Successful', { PercentageComplete: 100 }), earlier],
      ],
      groupVersion: '7',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ir-new Pending');
    expect(r.stdout).toContain('50 % done, 2 to update: Waiting for checkpoint');
    expect(r.stdout.match(/Waiting for checkpoint/g)).toHaveLength(1); // a state is printed once, not each poll
    expect(r.stdout).toContain('Successful, every instance runs the release');
    expect(r.calls[0]).toEqual([
      'autoscaling',
      'describe-instance-refreshes',
      '--auto-scaling-group-name',
      GROUP,
      '--max-records',
      '10',
      '--region',
      'ap-south-1',
      '--output',
      'json',
    ]);
    expect(r.calls.filter((c) => c[1] === 'describe-instance-refreshes')).toHaveLength(4);
    expect(r.calls.at(-1)!.slice(0, 4)).toEqual([
      'autoscaling',
      'describe-auto-scaling-groups',
      '--auto-scaling-group-names',
      GROUP,
    ]);
  });

  it('stops the rollout when the release rolled back, and says the next regions did not get it', async () => {
    const r = await wait({
      refreshes: [
        [refresh('InProgress', { PercentageComplete: 50 })],
        [
          refresh('RollbackInProgress', {
            StatusReason: 'CloudWatch alarm edgecart-mumbai-release-checkout-errors is in ALARM',
          }),
        ],
        [
          refresh('RollbackSuccessful', {
            StatusReason: 'CloudWatch alarm edgecart-mumbai-release-checkout-errors is in ALARM',
          }),
        ],
      ],
      groupVersion: '6',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('RollbackInProgress');
    expect(r.stderr).toContain(
      'ap-south-1: the release was ROLLED BACK (CloudWatch alarm edgecart-mumbai-release-checkout-errors',
    );
    expect(r.stderr).toContain('no later region got it');
    expect(r.stdout).toContain('::error title=Rollout stopped::ap-south-1: the release was ROLLED BACK');
  });

  it.each([
    // A finished refresh cannot be rolled back (User Guide, "Undo changes with a manual or auto rollback").
    ['Failed', /FAILED without rolling back .*cannot be rolled back: start a refresh to the previous/],
    ['Cancelled', /was CANCELLED .*The rollout stops\. Re-running the deploy starts no refresh/],
    ['RollbackFailed', /ROLLBACK FAILED .*Page the on-call .*describe-scaling-activities --region ap-south-1/],
  ])('stops the rollout on %s', async (status, message) => {
    const r = await wait({
      refreshes: [[refresh('InProgress')], [refresh(status, { StatusReason: 'because' })]],
      groupVersion: '7',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('passes a deploy that started no refresh, but only when the group runs the version the stack deployed', async () => {
    const unchanged = await wait({ refreshes: [[earlier]], groupVersion: '7' });
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain('no instance refresh started by this deploy');
    // A re-run after a rollback: Pulumi's state holds version 7, the group was rolled back to 6.
    const rerun = await wait({ refreshes: [[earlier]], groupVersion: '6' });
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toContain('is on launch template version 6, the stack deployed 7');
  });

  it('fails a re-run after a cancelled refresh: the group is on the new version, an instance is not', async () => {
    const r = await wait({ refreshes: [[earlier]], groupVersion: '7', instances: ['7', '6', '6:Terminating'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 of 2 instances of edgecart-mumbai-service-asg-5f1c2a9 run launch template version 6');
    // Instances on their way out do not count.
    const leaving = await wait({ refreshes: [[earlier]], groupVersion: '7', instances: ['7', '7', '6:Terminating'] });
    expect(leaving.code).toBe(0);
  });

  it('gives up after its timeout with the refresh still running', async () => {
    const r = await wait({ refreshes: [[refresh('InProgress')]], groupVersion: '7' }, ['--timeout-seconds', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('still InProgress after 0 s. It goes on in AWS; the rollout stops');
  });

  it('refuses to run without the group, region, start time or expected version', async () => {
    const r = await run('node', ['--import', 'tsx', 'scripts/wait-instance-refresh.ts', '--region', 'ap-south-1'], {
      cwd: root,
    }).catch((err) => err);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: wait-instance-refresh.ts');
  });
});
