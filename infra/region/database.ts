// This region's Aurora PostgreSQL cluster inside the global cluster. Role `primary`: the writer cluster (writer +
// readers). Role `secondary`: a read-only cluster with global write forwarding, so the service uses the same
// DATABASE_URL shape everywhere and Aurora forwards its writes to the primary.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { ENGINE_LIFECYCLE_SUPPORT } from '../global/database.js';
import { type RegionContext, regionalName, stackNamespace } from './context.js';

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
 * Cluster parameters for every region (issue #10 item 3).
 *
 * `apg_write_forward.consistency_mode` decides what a session on a write-forwarding secondary reads after its own
 * forwarded writes. `session` is read-your-writes per connection: every query of a session sees that session's
 * forwarded writes, waiting for them to replicate if needed, without waiting for other sessions' writes as `global`
 * would (Aurora User Guide, "Configuration parameters for write forwarding in Aurora PostgreSQL" and "Read
 * consistency for write forwarding"). The value is written exactly as the engine's parameter metadata lists it
 * (`aws rds describe-engine-default-cluster-parameters --db-parameter-group-family aurora-postgresql16`: allowed
 * values `off,eventual,session,global`, apply type static), and a static parameter is only accepted with
 * `pending-reboot`; RDS accepts `pending-reboot` for every parameter, so parameters are applied that way unless
 * they are known to be dynamic. It acts only on a cluster with write forwarding, but every region carries it so a
 * switchover needs no parameter change.
 */
export const CLUSTER_PARAMETERS: Record<string, { value: string; applyMethod: 'immediate' | 'pending-reboot' }> = {
  // Dynamic (parameter metadata: apply type dynamic), so it takes effect without a reboot.
  'rds.force_ssl': { value: '1', applyMethod: 'immediate' },
  'apg_write_forward.consistency_mode': { value: 'session', applyMethod: 'pending-reboot' },
  log_min_duration_statement: { value: '1000', applyMethod: 'immediate' },
};

/**
 * Members of a global database follow the global cluster's engine version: an upgrade is made on the
 * GlobalCluster (config `dbEngineVersion`), which upgrades every member, and the members ignore their own
 * `engineVersion` so the next `up` never tries to "downgrade" them (provider docs, aws.rds.GlobalCluster, "Upgrading
 * Engine Versions": `ignoreChanges: ["engineVersion"]` on the aws.rds.Cluster). Instances upgrade with their
 * cluster, so they ignore it too, and automatic minor upgrades are off: versions move only through config.
 */
export const MEMBER_IGNORE_CHANGES = ['engineVersion'];

export class Database extends pulumi.ComponentResource {
  readonly clusterIdentifier: pulumi.Output<string>;
  /** The cluster (writer) endpoint: it resolves only while this cluster is the primary, so the service never uses
   *  it (it writes through serviceWriteEndpoint in index.ts); exported for operators (migrations by hand). */
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

    const snapshotSuffix = new random.RandomId(
      regionalName(ctx, 'aurora-final-snapshot-suffix'),
      { byteLength: 4 },
      { parent: this },
    );
    const cluster = new aws.rds.Cluster(
      regionalName(ctx, 'aurora'),
      {
        engine: 'aurora-postgresql',
        engineVersion: args.engineVersion,
        globalClusterIdentifier: args.globalClusterId,
        ...(primary
          ? { databaseName: args.dbName, masterUsername: args.dbUsername, masterPassword: args.masterPassword }
          : {}),
        // Both on in every region, so the instances write through their own reader endpoint whatever role the
        // cluster has (issue #19; infra/region/index.ts, serviceWriteEndpoint):
        // - global write forwarding: a secondary's instances forward writes to the primary's writer; on the
        //   primary it "does nothing until" a global cluster API operation demotes it, then it is "used
        //   immediately" (RDS API, CreateDBCluster EnableGlobalWriteForwarding);
        // - local write forwarding (16.4+): the primary's readers forward writes to their own writer ("Local
        //   write forwarding in Aurora PostgreSQL"). That AWS keeps it requested on a secondary and applies it
        //   when the cluster is promoted is what docs/deploy.md's "What this program assumes about AWS" lists
        //   and its "Check first" verifies (LocalWriteForwardingStatus).
        enableGlobalWriteForwarding: true,
        enableLocalWriteForwarding: true,
        // The global cluster's setting, spelled out: left unset, a member is created with the provider's default
        // `open-source-rds-extended-support` (paid Extended Support), the opposite of the global cluster's
        // (provider docs, aws.rds.Cluster `engineLifecycleSupport`; ENGINE_LIFECYCLE_SUPPORT). Applied at create only:
        // the provider's update never sends it (terraform-provider-aws rds/cluster.go, resourceClusterUpdate builds
        // ModifyDBCluster without EngineLifecycleSupport), so on a cluster created before this line it is ignored
        // rather than shown as a diff on every run.
        engineLifecycleSupport: ENGINE_LIFECYCLE_SUPPORT,
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
        // Unique per create (a recreated stack would otherwise fail on the snapshot its predecessor left).
        finalSnapshotIdentifier: pulumi.interpolate`${stackNamespace(ctx)}-aurora-final-${snapshotSuffix.hex}`,
        enabledCloudwatchLogsExports: ['postgresql'],
        applyImmediately: false,
      },
      {
        parent: this,
        protect: config.protectData,
        // Aurora sets the replication source when it attaches a secondary or switches the primary over.
        ignoreChanges: ['replicationSourceIdentifier', 'engineLifecycleSupport', ...MEMBER_IGNORE_CHANGES],
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
          autoMinorVersionUpgrade: false,
          caCertIdentifier: 'rds-ca-rsa2048-g1',
          applyImmediately: false,
        },
        { parent: this, protect: config.protectData, ignoreChanges: MEMBER_IGNORE_CHANGES },
      );
      this.instanceIdentifiers.push(instance.identifier);
    }

    this.clusterIdentifier = cluster.clusterIdentifier;
    this.endpoint = cluster.endpoint;
    this.readerEndpoint = cluster.readerEndpoint;
    this.registerOutputs({ endpoint: this.endpoint, readerEndpoint: this.readerEndpoint });
  }
}
