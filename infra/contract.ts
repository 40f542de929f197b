// What the global stack hands the regional stacks, in one place. The global program exports exactly these
// names (infra/global/index.ts) and the regional program reads exactly these (infra/region/index.ts), so a
// renamed output fails the infra tests rather than a deploy.
import { PROJECT } from './config.js';

export interface GlobalOutputs {
  /** Route 53 hosted zone of the domain. */
  zoneId: string;
  domain: string;
  /** ECR repository name; the same name exists in every replicated region. */
  repositoryName: string;
  /** Immutable digest of the service image (sha256:...). Instances pull `<regional registry>/<repo>@<digest>`. */
  imageDigest: string;
  /** Aurora global cluster identifier every regional cluster joins. */
  globalClusterId: string;
  dbEngineVersion: string;
  dbName: string;
  dbUsername: string;
  /** Secrets Manager secret (same name in every region, replicated) holding {"username","password"}. */
  dbSecretName: string;
  /** Header CloudFront adds to every origin request; the ALB answers 403 without it. */
  originVerifyHeaderName: string;
  /** Secret value of that header (a Pulumi secret). */
  originVerifyHeaderValue: string;
  /** CloudFront distribution ARN: the only principal the asset buckets let read (OAC). */
  distributionArn: string;
  distributionDomainName: string;
  /** Base URL of product images and assets through CloudFront, e.g. https://shop.example.com/assets. */
  assetsBaseUrl: string;
  regions: string[];
  primaryRegion: string;
}

export const GLOBAL_OUTPUT_NAMES = [
  'zoneId',
  'domain',
  'repositoryName',
  'imageDigest',
  'globalClusterId',
  'dbEngineVersion',
  'dbName',
  'dbUsername',
  'dbSecretName',
  'originVerifyHeaderName',
  'originVerifyHeaderValue',
  'distributionArn',
  'distributionDomainName',
  'assetsBaseUrl',
  'regions',
  'primaryRegion',
] as const satisfies readonly (keyof GlobalOutputs)[];

/**
 * The assets bucket of a region. Both stacks derive it from the account and region, so the global stack can
 * point CloudFront's origin group at the buckets without reading a regional stack (which would be a cycle).
 */
export function assetsBucketName(accountId: string, region: string): string {
  return `${PROJECT}-assets-${accountId}-${region}`;
}

/** The API origin every region adds a latency record for; CloudFront sends dynamic requests here. */
export function originHostname(domain: string): string {
  return `origin.${domain}`;
}
