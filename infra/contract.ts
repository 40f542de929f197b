// What the global stack hands the regional stacks, in one place. The global program exports exactly these
// names (infra/global/index.ts) and the regional program reads exactly these (infra/region/index.ts), so a
// renamed output fails the infra tests rather than a deploy.

export interface GlobalOutputs {
  /** Route 53 hosted zone of the domain. */
  zoneId: string;
  /** Name servers to delegate the domain to (empty when an existing zone is used). */
  nameServers: string[];
  domain: string;
  /** ECR repository name; the same name exists in every replicated region. */
  repositoryName: string;
  /** Immutable digest of the service image (sha256:...). Instances pull `<regional registry>/<repo>@<digest>`. */
  imageDigest: string;
  /** Aurora global cluster identifier every regional cluster joins. */
  globalClusterId: string;
  /** The global database's writer endpoint (follows the primary through switchovers and failovers). */
  dbWriterEndpoint: string;
  dbEngineVersion: string;
  dbName: string;
  dbUsername: string;
  /** Secrets Manager secret (same name in every region, replicated) holding {"username","password"}. */
  dbSecretName: string;
  /**
   * The master password (a Pulumi secret), so the primary's cluster is created without reading the secret's value
   * from Secrets Manager: a preview with read-only rights never needs secretsmanager:GetSecretValue.
   */
  dbMasterPassword: string;
  /** Header CloudFront adds to every origin request; the ALB answers 403 without it. */
  originVerifyHeaderName: string;
  /** Secret value of that header (a Pulumi secret). */
  originVerifyHeaderValue: string;
  /** CloudFront distribution ARN: the only principal the asset buckets let read (OAC). */
  distributionArn: string;
  /** Base URL of product images and assets through CloudFront, e.g. https://shop.example.com/assets. */
  assetsBaseUrl: string;
  /** Every region's assets bucket (created by the global stack), by region. */
  assetsBucketNames: Record<string, string>;
  regions: string[];
  primaryRegion: string;
}

export const GLOBAL_OUTPUT_NAMES = [
  'zoneId',
  'nameServers',
  'domain',
  'repositoryName',
  'imageDigest',
  'globalClusterId',
  'dbWriterEndpoint',
  'dbEngineVersion',
  'dbName',
  'dbUsername',
  'dbSecretName',
  'dbMasterPassword',
  'originVerifyHeaderName',
  'originVerifyHeaderValue',
  'distributionArn',
  'assetsBaseUrl',
  'assetsBucketNames',
  'regions',
  'primaryRegion',
] as const satisfies readonly (keyof GlobalOutputs)[];

/**
 * The assets bucket of a region, created by the global stack. Scoped by the global stack's namespace
 * (`edgecart-<stack>`) so a second environment in the same account gets its own buckets; bucket names are
 * global across accounts, hence the account id. At most 63 characters (S3 bucket naming rules).
 */
export function assetsBucketName(namespace: string, accountId: string, region: string): string {
  const name = `${namespace}-assets-${accountId}-${region}`;
  if (name.length > 63)
    throw new Error(`Bucket name ${name} is longer than S3's 63 characters: use a shorter stack name`);
  return name;
}

/** The API origin every region adds a latency record for; CloudFront sends dynamic requests here. */
export function originHostname(domain: string): string {
  return `origin.${domain}`;
}
