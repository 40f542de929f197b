// Preview with read-only rights (issue #10): every data source the program reads during `pulumi preview` (mocks
// with dryRun true), for every stack file, in a fresh account and in one a first deploy has filled, is mapped to
// the IAM actions the provider calls for it and checked against the preview role's policy
// (infra/preview-role-policy.ts). No invoke may read a secret's value; an invoke missing from the table fails
// with what to add.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PREVIEW_READ_ACTIONS,
  type PolicyDocument,
  previewRolePolicy,
  SECRET_READING_ACTIONS,
} from '../preview-role-policy.js';
import { runEveryStack, type StackRun, stackNames, worldAfter } from './every-stack.js';
import { ACCOUNT_ID, type RecordedInvoke, regionOf } from './mocks.js';
import { stackConfig } from './program.js';

interface Access {
  action: string;
  resource: string;
}

/**
 * The AWS calls behind each data source, from the provider's implementation of the data source (terraform-provider-
 * aws internal/service/<service>/<name>_data_source.go, the SDK calls it makes) and the Service Authorization
 * Reference for their resource types. `[]`: answered by the provider without calling AWS.
 */
const INVOKE_ACCESS: Record<string, (args: Record<string, any>, region: string) => Access[]> = {
  // STS GetCallerIdentity needs no permission (STS API Reference).
  'aws:index/getCallerIdentity:getCallerIdentity': () => [],
  'aws:index/getRegion:getRegion': () => [],
  'aws:index/getPartition:getPartition': () => [],
  'aws:iam/getPolicyDocument:getPolicyDocument': () => [],
  'aws:index/getAvailabilityZones:getAvailabilityZones': () => [
    { action: 'ec2:DescribeAvailabilityZones', resource: '*' },
  ],
  'aws:ec2/getManagedPrefixList:getManagedPrefixList': () => [
    { action: 'ec2:DescribeManagedPrefixLists', resource: '*' },
    { action: 'ec2:GetManagedPrefixListEntries', resource: '*' },
  ],
  'aws:cloudfront/getCachePolicy:getCachePolicy': () => [
    { action: 'cloudfront:ListCachePolicies', resource: '*' },
    { action: 'cloudfront:GetCachePolicy', resource: '*' },
  ],
  'aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy': () => [
    { action: 'cloudfront:ListOriginRequestPolicies', resource: '*' },
    { action: 'cloudfront:GetOriginRequestPolicy', resource: '*' },
  ],
  'aws:rds/getEngineVersion:getEngineVersion': () => [{ action: 'rds:DescribeDBEngineVersions', resource: '*' }],
  'aws:servicequotas/getServiceQuota:getServiceQuota': () => [
    { action: 'servicequotas:GetServiceQuota', resource: '*' },
    { action: 'servicequotas:GetAWSDefaultServiceQuota', resource: '*' },
  ],
  'aws:ec2/getEips:getEips': () => [{ action: 'ec2:DescribeAddresses', resource: '*' }],
  'aws:ecr/getImages:getImages': () => [{ action: 'ecr:ListImages', resource: '*' }],
  'aws:ecr/getImage:getImage': () => [{ action: 'ecr:DescribeImages', resource: '*' }],
  'aws:ecr/getRepository:getRepository': () => [{ action: 'ecr:DescribeRepositories', resource: '*' }],
  'aws:ecr/getAuthorizationToken:getAuthorizationToken': () => [{ action: 'ecr:GetAuthorizationToken', resource: '*' }],
  'aws:ssm/getParameter:getParameter': (args, region) => [
    { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${region}::parameter${args.name}` },
  ],
  'aws:secretsmanager/getSecretVersion:getSecretVersion': (args, region) => [
    {
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${args.secretId}`,
    },
  ],
  'aws:secretsmanager/getSecret:getSecret': () => [{ action: 'secretsmanager:DescribeSecret', resource: '*' }],
};

/** IAM's wildcard match of actions and ARNs (IAM User Guide, "IAM JSON policy elements: Action / Resource"). */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}

/** Allowed when an Allow statement covers it and no Deny does (IAM policy evaluation logic, single account). */
function allowed(policy: PolicyDocument, { action, resource }: Access): boolean {
  const covers = (s: PolicyDocument['Statement'][number]) =>
    s.Action.some((a) => matches(a, action, true)) && s.Resource.some((r) => matches(r, resource, false) || r === '*');
  if (policy.Statement.some((s) => s.Effect === 'Deny' && covers(s))) return false;
  return policy.Statement.some((s) => s.Effect === 'Allow' && covers(s));
}

const policy = previewRolePolicy({
  stateBucket: 'edgecart-pulumi-state-123456789012',
  secretsKeyArn: `arn:aws:kms:ap-south-1:${ACCOUNT_ID}:key/mock`,
});

function accessOf(stack: string, invoke: RecordedInvoke): Access[] {
  const access = INVOKE_ACCESS[invoke.token];
  if (!access) {
    throw new Error(
      `${stack} reads ${invoke.token} during a preview: add it to INVOKE_ACCESS in infra/test/preview-permissions.test.ts ` +
        'with the IAM actions the provider calls for it, and those to PREVIEW_READ_ACTIONS in infra/preview-role-policy.ts',
    );
  }
  return access(invoke.inputs, regionOf(invoke.provider, stackConfig(stack)['aws:region']!));
}

let fresh: StackRun[];
let deployed: StackRun[];

beforeAll(async () => {
  fresh = await runEveryStack({ dryRun: true });
  const first = await runEveryStack();
  deployed = await runEveryStack({ dryRun: true, world: () => worldAfter(first) });
}, 300_000);

describe.each(stackNames())('pulumi preview of %s with the preview role', (stack) => {
  const invokesOf = () =>
    [...fresh, ...deployed].filter((r) => r.stack === stack).flatMap((r) => r.run.invokes.map((i) => ({ stack, i })));

  it('runs as a preview and reads at least one data source', () => {
    expect(invokesOf().length).toBeGreaterThan(0);
  });

  it('needs only what the preview role allows', () => {
    const denied = invokesOf().flatMap(({ i }) =>
      accessOf(stack, i)
        .filter((a) => !allowed(policy, a))
        .map((a) => `${i.token} needs ${a.action} on ${a.resource}`),
    );
    expect(denied).toEqual([]);
  });

  it("never reads a secret's value", () => {
    const reads = invokesOf().flatMap(({ i }) =>
      accessOf(stack, i)
        .filter((a) => (SECRET_READING_ACTIONS as readonly string[]).includes(a.action))
        .map((a) => `${i.token} (${a.action} on ${a.resource})`),
    );
    expect(reads).toEqual([]);
  });
});

describe('the preview role policy', () => {
  it('denies reading secret values whatever else it allows', () => {
    for (const action of SECRET_READING_ACTIONS) expect(allowed(policy, { action, resource: '*' })).toBe(false);
  });

  it("allows only AWS's public parameters, not the account's own", () => {
    expect(
      allowed(policy, { action: 'ssm:GetParameter', resource: 'arn:aws:ssm:eu-west-2::parameter/aws/service/ami' }),
    ).toBe(true);
    expect(
      allowed(policy, {
        action: 'ssm:GetParameter',
        resource: `arn:aws:ssm:eu-west-2:${ACCOUNT_ID}:parameter/app/db-password`,
      }),
    ).toBe(false);
  });

  it('grants no write or delete on AWS resources (only the state bucket)', () => {
    const writes = PREVIEW_READ_ACTIONS.filter((a) => /:(Create|Put|Delete|Update|Modify|Attach|Tag)/.test(a));
    expect(writes).toEqual([]);
  });

  it('fails with what to add when the program reads a data source missing from the table', () => {
    expect(() => accessOf('mumbai', { token: 'aws:rds/getCluster:getCluster', inputs: {} })).toThrow(
      /add it to INVOKE_ACCESS .* PREVIEW_READ_ACTIONS/,
    );
  });
});
