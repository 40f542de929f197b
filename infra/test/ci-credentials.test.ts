// CI's AWS session outlives every deploy (issue #20 item 3, test c). configure-aws-credentials asks STS for 3600 s
// unless `role-duration-seconds` says otherwise (its README, "Assuming a role"), and a deploy job whose session
// expires dies with ExpiredToken mid-update, leaving pending operations in the state. An OIDC session is a first
// AssumeRoleWithWebIdentity (no role chaining, which caps sessions at 1 h), so it may last up to the role's
// MaxSessionDuration, 3600–43200 s (IAM User Guide, "Maximum session duration"; STS API AssumeRoleWithWebIdentity
// DurationSeconds). Read from the workflow, the setup action and docs/deploy.md as they are.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './program.js';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const guide = read('docs/deploy.md');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'timeout-minutes'?: number;
  steps?: Step[];
}

const deploy = parse(read('.github/workflows/deploy.yml')) as { jobs: Record<string, Job> };
const setup = parse(read('.github/actions/setup/action.yml')) as {
  inputs: Record<string, { default?: string }>;
  runs: { steps: Step[] };
};

/** GitHub's default job timeout (Workflow syntax, `jobs.<job_id>.timeout-minutes`): 360 minutes. */
const DEFAULT_TIMEOUT_MINUTES = 360;
const MAX_ROLE_SESSION_SECONDS = 43_200;

/** The longest deploy the guide announces (`pulumi up -s <stack>   # ~45–60 min`), in seconds. */
function documentedDeploySeconds(): number {
  const minutes = [...guide.matchAll(/pulumi up -s \S+\s+# ~(?:\d+–)?(\d+) min/g)].map((m) => Number(m[1]));
  expect(minutes.length, 'docs/deploy.md announces how long each `pulumi up` takes').toBeGreaterThan(0);
  return Math.max(...minutes) * 60;
}

/** The deploy role's MaxSessionDuration as the bootstrap creates it. */
function roleMaxSessionSeconds(): number {
  const m = /create-role --role-name edgecart-deploy[^\n]*(?:\\\n[^\n]*)*?--max-session-duration (\d+)/.exec(guide);
  expect(m, 'docs/deploy.md creates edgecart-deploy with --max-session-duration').not.toBeNull();
  return Number(m![1]);
}

const deployJobs = Object.entries(deploy.jobs).filter(([, job]) =>
  (job.steps ?? []).some(
    (s) => s.uses === './.github/actions/setup' && String(s.with?.['role-to-assume']).includes('AWS_DEPLOY_ROLE_ARN'),
  ),
);

/** The session a job's setup step asks for (the action's default when it passes none). */
function sessionSeconds(job: Job): number {
  const step = job.steps!.find((s) => s.uses === './.github/actions/setup')!;
  return Number(step.with?.['role-duration-seconds'] ?? setup.inputs['role-duration-seconds']?.default ?? 3600);
}

describe('CI credentials of the deploy workflow', () => {
  it('the setup action hands the lifetime to configure-aws-credentials', () => {
    const configure = setup.runs.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(configure?.with?.['role-duration-seconds']).toBe('${{ inputs.role-duration-seconds }}');
  });

  it.each(deployJobs.map(([name, job]) => [name, job] as const))(
    '%s: the session outlives the job and the documented deploy time, within the role maximum',
    (_name, job) => {
      const seconds = sessionSeconds(job);
      expect(seconds).toBeGreaterThanOrEqual((job['timeout-minutes'] ?? DEFAULT_TIMEOUT_MINUTES) * 60);
      expect(seconds).toBeGreaterThanOrEqual(documentedDeploySeconds());
      expect(seconds).toBeLessThanOrEqual(roleMaxSessionSeconds());
      expect(roleMaxSessionSeconds()).toBeLessThanOrEqual(MAX_ROLE_SESSION_SECONDS);
    },
  );

  it('covers every job that deploys', () => {
    expect(deployJobs.map(([name]) => name).sort()).toEqual(['global', 'primary', 'secondary']);
  });

  it.each(['deploy.yml', 'pull-request.yml'])(
    '%s hands PULUMI_ACCESS_TOKEN to every Pulumi step (Pulumi Cloud path)',
    (file) => {
      const workflow = parse(read(`.github/workflows/${file}`)) as { jobs: Record<string, Job> };
      const steps = Object.values(workflow.jobs).flatMap((j) =>
        (j.steps ?? []).filter((s) => s.uses?.startsWith('pulumi/actions@')),
      );
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect(step.env?.PULUMI_ACCESS_TOKEN).toBe('${{ secrets.PULUMI_ACCESS_TOKEN }}');
    },
  );
});
