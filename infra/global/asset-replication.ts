// S3 replication of the assets: the primary's bucket replicates to every secondary's bucket.
//
// The ordering problem: S3 keeps ONE replication configuration per source bucket, and PutBucketReplication
// refuses a rule whose destination bucket does not exist yet or is not versioned ("Destination bucket must
// exist" / "must have versioning enabled"). Stacks deploy global → primary → secondaries, so when the primary
// runs, no secondary bucket exists yet, and two secondary stacks cannot each own a piece of the one
// configuration.
//
// The design: the configuration on the primary's bucket is owned by exactly one stack, the LAST secondary in
// the global `regions` list (the documented deploy order). When it runs, the primary's bucket and every other
// secondary's bucket already exist, and its own bucket is created (and versioned) earlier in the same run. It
// writes one rule per secondary. Adding a region appends it to `regions`; re-running the stacks in order moves
// ownership: the former last secondary drops the configuration, then the new last secondary writes it with
// one more rule. No stack ever has to run twice and no rule points at a bucket that does not exist.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { assetsBucketName } from '../contract.js';
import { type RegionContext, regionalName } from './context.js';
import { policyDocument, serviceTrustPolicy } from './iam.js';

/** The stack region that owns the primary bucket's replication configuration, if there is any secondary. */
export function replicationOwner(regions: string[], primaryRegion: string): string | undefined {
  return regions.filter((r) => r !== primaryRegion).at(-1);
}

export interface AssetReplicationArgs {
  ctx: RegionContext;
  primaryRegion: string;
  /** Every secondary region, in deploy order (each gets a rule). */
  secondaryRegions: string[];
  /** This stack's own bucket versioning: the destination must be versioned before the rule is written. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class AssetReplication extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AssetReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:AssetReplication', name, {}, opts);
    const { ctx, primaryRegion } = args;
    const arn = (region: string) => `arn:aws:s3:::${assetsBucketName(ctx.accountId, region)}`;
    const source = arn(primaryRegion);

    // The source bucket lives in the primary region: S3 configuration calls go to that region's endpoint.
    const primaryProvider = new aws.Provider(
      `${primaryRegion}-from-${ctx.region}`,
      { region: primaryRegion as aws.Region, defaultTags: { tags: ctx.config.tags } },
      { parent: this },
    );

    const role = new aws.iam.Role(
      regionalName(ctx, 'assets-replication-role'),
      {
        description: `S3 replication of assets from ${primaryRegion} to ${args.secondaryRegions.join(', ')}`,
        assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', ctx.accountId),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      regionalName(ctx, 'assets-replication-policy'),
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
            Resource: args.secondaryRegions.map((r) => `${arn(r)}/*`),
          },
        ]),
      },
      { parent: this },
    );

    new aws.s3.BucketReplicationConfig(
      regionalName(ctx, 'assets-replication'),
      {
        bucket: assetsBucketName(ctx.accountId, primaryRegion),
        role: role.arn,
        rules: args.secondaryRegions.map((region, i) => ({
          id: `to-${region}`,
          priority: i + 1,
          status: 'Enabled',
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          destination: { bucket: arn(region), storageClass: 'STANDARD' },
        })),
      },
      { parent: this, provider: primaryProvider, dependsOn: [...args.dependsOn, policy] },
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
