// S3 replication of the assets: the primary region's bucket replicates to every other region's bucket.
//
// Owned by the global stack (issue #10 item 13). S3 keeps ONE replication configuration per source bucket, and
// PutBucketReplication refuses a rule whose destination bucket does not exist or is not versioned (S3 User Guide,
// "Requirements and considerations for replication"). The global stack creates every region's bucket and its
// versioning itself (assets.ts), so it can write the whole configuration in one run, after all of them exist. Adding
// a region adds a bucket and a rule here; no regional stack's graph changes, and every secondary regional stack is
// the same graph as every other.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { policyDocument, serviceTrustPolicy } from '../region/iam.js';

export interface AssetReplicationArgs {
  accountId: string;
  primaryRegion: string;
  /** Bucket name by region, primary included. */
  bucketNames: Record<string, string>;
  /** Versioning of every bucket: source and destinations must be versioned before the configuration is written. */
  versioning: pulumi.Resource[];
  /** The global stack's home provider; the configuration names the source bucket's region. */
  provider: aws.Provider;
}

/** The regions the primary's bucket replicates to, in the order of the global `regions` list. */
export function replicaRegions(primaryRegion: string, regions: string[]): string[] {
  return regions.filter((r) => r !== primaryRegion);
}

export class AssetReplication extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AssetReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:AssetReplication', name, {}, opts);
    const { primaryRegion, bucketNames } = args;
    const destinations = replicaRegions(primaryRegion, Object.keys(bucketNames));
    const arn = (region: string) => `arn:aws:s3:::${bucketNames[region]}`;
    const source = arn(primaryRegion);
    const home = { parent: this, provider: args.provider };

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `S3 replication of assets from ${primaryRegion} to ${destinations.join(', ')}`,
        assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', args.accountId),
      },
      home,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: policyDocument([
          { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: source },
          {
            Effect: 'Allow',
            Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
            Resource: `${source}/*`,
          },
          {
            Effect: 'Allow',
            Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            Resource: destinations.map((r) => `${arn(r)}/*`),
          },
        ]),
      },
      home,
    );

    new aws.s3.BucketReplicationConfig(
      name,
      {
        region: primaryRegion,
        bucket: bucketNames[primaryRegion]!,
        role: role.arn,
        rules: destinations.map((region, i) => ({
          id: `to-${region}`,
          priority: i + 1,
          status: 'Enabled',
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          destination: { bucket: arn(region), storageClass: 'STANDARD' },
        })),
      },
      { ...home, dependsOn: [...args.versioning, policy] },
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
