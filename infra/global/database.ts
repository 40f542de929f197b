// The database's global parts: the Aurora global cluster every regional cluster joins (the primary region's
// stack adds the writer, the others add read-only secondaries with write forwarding) and its master
// password. Aurora's managed master password doesn't work with global databases, so the password is
// generated here, kept a Pulumi secret and stored in a Secrets Manager secret replicated to every region.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

export const DB_NAME = 'edgecart';
export const DB_USERNAME = 'edgecart_admin';

/**
 * No paid RDS Extended Support: when the major version reaches end of standard support, AWS upgrades it instead of
 * billing for extended support. The provider's default is `open-source-rds-extended-support` (provider docs,
 * aws.rds.GlobalCluster `engineLifecycleSupport`: valid values `open-source-rds-extended-support`,
 * `open-source-rds-extended-support-disabled`; RDS User Guide, "Using Amazon RDS Extended Support").
 */
export const ENGINE_LIFECYCLE_SUPPORT = 'open-source-rds-extended-support-disabled';

export interface DatabaseArgs {
  /** Prefix of account-wide names, e.g. edgecart-global. */
  namespace: string;
  engineVersion: string;
  /** Where the writer runs; the global cluster is created there. */
  primaryRegion: string;
  /** The secret's own region (the provider's). */
  homeRegion: string;
  /** Every region that runs a regional stack: each gets a replica of the secret. */
  regions: string[];
  provider: aws.Provider;
  protect: boolean;
}

/** Regions that get a replica of the secret: every configured region except the secret's own. */
export function secretReplicaRegions(homeRegion: string, regions: string[]): string[] {
  return regions.filter((r) => r !== homeRegion);
}

export class Database extends pulumi.ComponentResource {
  readonly globalClusterId: pulumi.Output<string>;
  /**
   * The global writer endpoint: always the writer of the current primary cluster (provider docs,
   * aws.rds.GlobalCluster `endpoint`; Aurora User Guide, "Connecting to Amazon Aurora Global Database"). The primary
   * region's service writes through it, so a switchover or failover needs no configuration change.
   */
  readonly writerEndpoint: pulumi.Output<string>;
  readonly engineVersion: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Database', name, {}, opts);
    const home = { parent: this, provider: args.provider };

    const globalCluster = new aws.rds.GlobalCluster(
      `${name}-global`,
      {
        region: args.primaryRegion,
        globalClusterIdentifier: `${args.namespace}-db`,
        engine: 'aurora-postgresql',
        engineVersion: args.engineVersion,
        databaseName: DB_NAME,
        storageEncrypted: true,
        deletionProtection: args.protect,
        engineLifecycleSupport: ENGINE_LIFECYCLE_SUPPORT,
      },
      // Upgrades go through config (dbEngineVersion), which every regional cluster then follows.
      { ...home, protect: args.protect },
    );

    // Letters and digits only: Aurora rejects / @ " and space, and the regional stacks put the password
    // into a connection URL. 40 characters of [A-Za-z0-9] is ~238 bits.
    const password = new random.RandomPassword(`${name}-master`, { length: 40, special: false }, { parent: this });

    const secret = new aws.secretsmanager.Secret(
      `${name}-master`,
      {
        name: `${args.namespace}/database/master`,
        description: 'Aurora global database master credentials {"username","password"} (edgecart)',
        replicas: secretReplicaRegions(args.homeRegion, args.regions).map((region) => ({ region })),
        recoveryWindowInDays: 30,
      },
      home,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-master`,
      {
        secretId: secret.id,
        secretString: pulumi.jsonStringify({ username: DB_USERNAME, password: password.result }),
      },
      home,
    );

    this.globalClusterId = globalCluster.globalClusterIdentifier;
    this.writerEndpoint = globalCluster.endpoint;
    this.engineVersion = pulumi.output(args.engineVersion);
    this.secretName = secret.name;
    this.password = pulumi.secret(password.result);
    this.registerOutputs({ globalClusterId: this.globalClusterId, secretName: this.secretName });
  }
}
