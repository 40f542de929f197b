// The Aurora PostgreSQL version of the global database must be one AWS still creates, in every region, with
// global database support (issue #20 item 5). Non-LTS minors are offered for about 12 months ("Amazon Aurora
// version support"), after which CreateGlobalCluster/CreateDBCluster refuse them; the config regex alone cannot
// know that. The provider's data source asks DescribeDBEngineVersions for exactly this version with status
// `available` (no `includeAll`), and fails when none matches, so a `preview` with a retired version stops here,
// naming the key and how to pick another, instead of an `up` failing after the edge has been built.
import * as aws from '@pulumi/aws';
import { ConfigError } from '../config.js';

export const ENGINE = 'aurora-postgresql';

/** How an operator lists what a region offers (docs/deploy.md, "Check first"). */
export function listVersionsCommand(region: string): string {
  return `aws rds describe-db-engine-versions --engine ${ENGINE} --region ${region} --query "DBEngineVersions[?SupportsGlobalDatabases].EngineVersion" --output text`;
}

export async function checkEngineVersion(version: string, regions: string[], provider: aws.Provider): Promise<void> {
  for (const region of regions) {
    let found: aws.rds.GetEngineVersionResult;
    try {
      found = await aws.rds.getEngineVersion({ engine: ENGINE, version, region }, { provider });
    } catch (err) {
      throw new ConfigError(
        'dbEngineVersion',
        `${ENGINE} ${version} cannot be created in ${region} (${err instanceof Error ? err.message : err}); pick a version every region offers: ${listVersionsCommand(region)}`,
      );
    }
    if (!found.supportsGlobalDatabases) {
      throw new ConfigError(
        'dbEngineVersion',
        `${ENGINE} ${version} in ${region} does not support global databases; pick one that does: ${listVersionsCommand(region)}`,
      );
    }
  }
}
