// The permissions of the `edgecart-preview` role (docs/deploy.md, "GitHub OIDC roles"), written down once: pull
// request previews run with exactly this, and infra/test/preview-permissions.test.ts checks every data source the
// program reads during a preview against it. A preview never needs a secret's value, so reading one is denied
// outright. Print the document for the bootstrap with:
//   node --import tsx infra/preview-role-policy.ts <state bucket name> <secrets KMS key ARN>

/** One IAM policy statement (IAM User Guide, "IAM JSON policy element reference"). */
export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/**
 * The read-only API calls behind the data sources the program reads during a preview. Describe/List calls have no
 * resource-level permissions, so their resource is `*` (Service Authorization Reference, each action's "Resource
 * types" column). STS GetCallerIdentity, which the provider and aws.getCallerIdentity call, needs no permission
 * (STS API Reference, GetCallerIdentity: "No permissions are required").
 */
export const PREVIEW_READ_ACTIONS = [
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeManagedPrefixLists',
  'ec2:GetManagedPrefixListEntries',
  'cloudfront:ListCachePolicies',
  'cloudfront:GetCachePolicy',
  'cloudfront:ListOriginRequestPolicies',
  'cloudfront:GetOriginRequestPolicy',
  // The Elastic IP check of a regional stack (region/elastic-ip-quota.ts): its quota (the provider falls back to
  // the AWS default when the account never changed it) and the addresses already allocated.
  'servicequotas:GetServiceQuota',
  'servicequotas:GetAWSDefaultServiceQuota',
  'ec2:DescribeAddresses',
  // The engine version check of the global stack (aws.rds.getEngineVersion).
  'rds:DescribeDBEngineVersions',
  'ecr:DescribeRepositories',
  'ecr:ListImages',
  'ecr:DescribeImages',
  // The image build reads its layer cache from the registry; the token is a 12-hour registry login, not a stored
  // secret (ECR API Reference, GetAuthorizationToken).
  'ecr:GetAuthorizationToken',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchCheckLayerAvailability',
] as const;

/** Only AWS's public parameters (the Amazon Linux AMI): the account's own parameters may hold secrets. */
export const PUBLIC_PARAMETERS_ARN = 'arn:aws:ssm:*::parameter/aws/service/*';

/** Calls a preview must never make: they read a secret's value. */
export const SECRET_READING_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'] as const;

export interface PreviewRoleArgs {
  /** The Pulumi state bucket (docs/deploy.md, "State backend and secrets key"). */
  stateBucket: string;
  /** ARN of the KMS key of Pulumi's secrets provider (alias/edgecart-pulumi). */
  secretsKeyArn: string;
}

export function previewRolePolicy(args: PreviewRoleArgs): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadWhatThePreviewLooksUp', Effect: 'Allow', Action: [...PREVIEW_READ_ACTIONS], Resource: ['*'] },
      {
        Sid: 'ReadPublicAmiParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: [PUBLIC_PARAMETERS_ARN],
      },
      // Pulumi writes a lock file and reads the stacks' state, including the global stack's outputs.
      {
        Sid: 'PulumiState',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${args.stateBucket}`, `arn:aws:s3:::${args.stateBucket}/*`],
      },
      // The stacks' encrypted config and secret outputs are decrypted to compute the diff.
      {
        Sid: 'PulumiSecretsProvider',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt'],
        Resource: [args.secretsKeyArn],
      },
      { Sid: 'NeverReadSecretValues', Effect: 'Deny', Action: [...SECRET_READING_ACTIONS], Resource: ['*'] },
    ],
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [stateBucket, secretsKeyArn] = process.argv.slice(2);
  if (!stateBucket || !secretsKeyArn) {
    console.error('usage: node --import tsx infra/preview-role-policy.ts <state bucket name> <secrets KMS key ARN>');
    process.exit(2);
  }
  console.log(JSON.stringify(previewRolePolicy({ stateBucket, secretsKeyArn }), null, 2));
}
