// This region's Aurora PostgreSQL cluster inside the global cluster. Role `primary`: the writer cluster (writer +
// readers). Role `secondary`: a read-only cluster with global write forwarding, so the service uses the same
// DATABASE_URL shape everywhere and Aurora forwards its writes to the primary.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type RegionContext, regionalName } from './context.js';

export interface DatabaseArgs {
  ctx: RegionContext;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  globalClusterId: pulumi.Input<string>;
  engineVersion: string;
  dbName: pulumi.Input<string>;
  dbUsername: pulumi.Input<string>;
  /** Master password (primary only; a secondary inherits the primary's users). */
  masterPassword?: pulumi.Input<string>;
}

export const DB_PORT = 5432;

/**
 * Cluster parameters for every region. `apg_write_forward.consistency_mode` is a DB cluster parameter (default
 * SESSION; set explicitly so a shopper always reads their own forwarded writes). It only acts on a cluster with
 * write forwarding, but every region carries it so a switchover needs no parameter change.
 */
export const CLUSTER_PARAMETERS: Record<string, { value: string; applyMethod: 'immediate' | 'pending-reboot' }> = {
  'rds.force_ssl': { value: '1', applyMethod: 'immediate' },
  'apg_write_forward.consistency_mode': { value: 'SESSION', applyMethod: 'immediate' },
  log_min_duration_statement: { value: '1000', applyMethod: 'immediate' },
};

export class Database extends pulumi.ComponentResource {
  readonly clusterIdentifier: pulumi.Output<string>;
  /** This region's cluster endpoint: the writer in the primary, write-forwarding readers in a secondary. */
  readonly endpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly instanceIdentifiers: pulumi.Output<string>[];

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Database', name, {}, opts);
    const { ctx } = args;
    const { config } = ctx;
    const primary = config.role === 'primary';
    if (primary && args.masterPassword === undefined) throw new Error('The primary cluster needs a master password');
    const major = args.engineVersion.split('.')[0];

    const subnetGroup = new aws.rds.SubnetGroup(
      regionalName(ctx, 'db-subnets'),
      { description: `Isolated subnets for Aurora in ${ctx.region}`, subnetIds: args.subnetIds },
      { parent: this },
    );
    const parameterGroup = new aws.rds.ClusterParameterGroup(
      regionalName(ctx, 'db-cluster-params'),
      {
        family: `aurora-postgresql${major}`,
        description: `edgecart Aurora PostgreSQL ${major} cluster parameters in ${ctx.region}`,
        parameters: Object.entries(CLUSTER_PARAMETERS).map(([name, p]) => ({ name, ...p })),
      },
      { parent: this },
    );

    const cluster = new aws.rds.Cluster(
      regionalName(ctx, 'aurora'),
      {
        engine: 'aurora-postgresql',
        engineVersion: args.engineVersion,
        globalClusterIdentifier: args.globalClusterId,
        ...(primary ? { databaseName: args.dbName, masterUsername: args.dbUsername, masterPassword: args.masterPassword } : {}),
        // On in every region: a secondary forwards writes now; on the primary it does nothing until a
        // switchover demotes it, and then Mumbai's instances keep writing through London with no manual step.
        enableGlobalWriteForwarding: true,
        port: DB_PORT,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        dbClusterParameterGroupName: parameterGroup.name,
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        deletionProtection: config.protectData,
        backupRetentionPeriod: config.backupRetentionDays,
        preferredBackupWindow: '01:00-02:00',
        preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `edgecart-${ctx.region}-aurora-final`,
        enabledCloudwatchLogsExports: ['postgresql'],
        applyImmediately: false,
      },
      {
        parent: this,
        protect: config.protectData,
        // Aurora sets the replication source when it attaches a secondary or switches the primary over.
        ignoreChanges: ['replicationSourceIdentifier'],
      },
    );

    // Primary: one writer + dbReaders readers; secondary: dbReaders (≥ 1) readers. Aurora spreads them over the
    // subnet group's AZs; promotion tiers make the first reader the failover target.
    const count = primary ? 1 + config.dbReaders : config.dbReaders;
    this.instanceIdentifiers = [];
    for (let i = 0; i < count; i++) {
      const instance = new aws.rds.ClusterInstance(
        regionalName(ctx, `aurora-${i + 1}`),
        {
          clusterIdentifier: cluster.id,
          engine: 'aurora-postgresql',
          engineVersion: args.engineVersion,
          instanceClass: config.dbInstanceClass,
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          promotionTier: i,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: args.kmsKeyArn,
          performanceInsightsRetentionPeriod: 7,
          autoMinorVersionUpgrade: true,
          caCertIdentifier: 'rds-ca-rsa2048-g1',
          applyImmediately: false,
        },
        { parent: this, protect: config.protectData },
      );
      this.instanceIdentifiers.push(instance.identifier);
    }

    this.clusterIdentifier = cluster.clusterIdentifier;
    this.endpoint = cluster.endpoint;
    this.readerEndpoint = cluster.readerEndpoint;
    this.registerOutputs({ endpoint: this.endpoint, readerEndpoint: this.readerEndpoint });
  }
}
