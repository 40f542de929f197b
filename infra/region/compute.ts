// The service fleet: launch template (Amazon Linux 2023, IMDSv2 only, encrypted gp3 root, user data that pulls
// the image by digest and reads secrets at boot), a least-privilege instance profile, and an Auto Scaling Group
// behind the ALB with CPU and requests-per-target tracking and a guarded instance refresh: launch before terminate,
// a canary checkpoint (it bounds the first batch; the healthy-percentage range alone would allow the whole group),
// the release alarms watched throughout, and an automatic rollback (issue #21).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { INSTANCE_BOOT_SECONDS, SERVICE_BODY_LIMIT_BYTES } from '../limits.js';
import { READINESS_NAMESPACE } from '../readiness-metric.js';
import { RELEASE_CHECKPOINT_DELAY_SECONDS, RELEASE_CHECKPOINT_PERCENTAGES } from '../release-guard.js';
import { serviceAmi } from './ami.js';
import { type RegionContext, regionalName, stackNamespace } from './context.js';
import { policyDocument, serviceTrustPolicy } from './iam.js';
import { renderUserData, type UserDataValues } from './user-data.js';

/** Amazon's RDS CA bundle (all regions), the only CA the service trusts for TLS to Aurora (sslrootcert, verify-ca). */
export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';
export const ROOT_VOLUME_GIB = 30;
/** Seconds after a new instance is in service before its metrics count for scaling (CPU settles after boot). */
export const INSTANCE_WARMUP_SECONDS = 180;

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export interface ComputeArgs {
  ctx: RegionContext;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  targetGroupArn: pulumi.Input<string>;
  /**
   * The listener rule that forwards to the target group. ALBRequestCountPerTarget needs the target group attached
   * to a load balancer, so the request-count policy waits for it (issue #10 item 12).
   */
  targetGroupAttachment: pulumi.Resource;
  /** `<alb arn suffix>/<target group arn suffix>`, the resource label of ALBRequestCountPerTarget. */
  requestCountResourceLabel: pulumi.Input<string>;
  repositoryName: pulumi.Input<string>;
  imageDigest: pulumi.Input<string>;
  /** Replicated global secret with {"username","password"} (same name in every region). */
  dbSecretName: pulumi.Input<string>;
  redisAuthSecretArn: pulumi.Input<string>;
  sessionSecretArn: pulumi.Input<string>;
  /** Where the service writes (DATABASE_URL): see serviceWriteEndpoint in index.ts. */
  dbWriteEndpoint: pulumi.Input<string>;
  dbReaderEndpoint: pulumi.Input<string>;
  /**
   * Where the primary region's migrations go (DDL, which write forwarding refuses): the global writer endpoint,
   * which in the primary region leads to its own writer. Unused elsewhere (RUN_MIGRATIONS is false there).
   */
  dbMigrationEndpoint: pulumi.Input<string>;
  dbPort: number;
  dbName: pulumi.Input<string>;
  redisEndpoint: pulumi.Input<string>;
  redisPort: number;
  /** The primary region's assets bucket: product image uploads from every region go there (and replicate). */
  uploadsBucketName: pulumi.Input<string>;
  uploadsBucketRegion: string;
  assetsBaseUrl: pulumi.Input<string>;
  /**
   * The alarms that fail and roll back an instance refresh (Monitoring.releaseAlarmNames). Monitoring is built
   * after this component (its dashboard shows the group), so index.ts hands them over as a deferred output.
   */
  releaseAlarmNames: pulumi.Input<pulumi.Input<string>[]>;
}

export class Compute extends pulumi.ComponentResource {
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly launchTemplateVersion: pulumi.Output<number>;
  readonly logGroupName: pulumi.Output<string>;
  readonly instanceRoleArn: pulumi.Output<string>;
  readonly image: pulumi.Output<string>;
  /** The AMI of the launch template. */
  readonly amiId: pulumi.Output<string>;

  constructor(name: string, args: ComputeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Compute', name, {}, opts);
    const { ctx } = args;
    const { config, region, accountId } = ctx;

    const logGroup = new aws.cloudwatch.LogGroup(
      regionalName(ctx, 'service-logs'),
      { name: `/${stackNamespace(ctx)}/service`, retentionInDays: config.logRetentionDays },
      { parent: this },
    );

    // ECR registry replication puts the image under the same repository name in every region.
    const image = pulumi.interpolate`${accountId}.dkr.ecr.${region}.amazonaws.com/${args.repositoryName}@${args.imageDigest}`;

    const role = new aws.iam.Role(
      regionalName(ctx, 'instance-role'),
      {
        description: `edgecart service instances in ${region}`,
        assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
      },
      { parent: this },
    );
    // Session Manager instead of SSH.
    new aws.iam.RolePolicyAttachment(
      regionalName(ctx, 'instance-ssm-core'),
      { role: role.name, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      regionalName(ctx, 'instance-policy'),
      {
        role: role.id,
        policy: policyDocument([
          // GetAuthorizationToken has no resource-level permissions; the pull itself is limited to one repository.
          { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          {
            Sid: 'EcrPullServiceImage',
            Effect: 'Allow',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            Resource: pulumi.interpolate`arn:aws:ecr:${region}:${accountId}:repository/${args.repositoryName}`,
          },
          {
            Sid: 'ReadServiceSecrets',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: [
              // This region's replica of the global database secret (Secrets Manager appends 6 characters).
              pulumi.interpolate`arn:aws:secretsmanager:${region}:${accountId}:secret:${args.dbSecretName}-??????`,
              args.redisAuthSecretArn,
              args.sessionSecretArn,
            ],
          },
          {
            // Only needed if a secret uses a customer-managed key; usable only through Secrets Manager here.
            Sid: 'DecryptSecretsViaSecretsManager',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: `arn:aws:kms:${region}:${accountId}:key/*`,
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
          },
          {
            Sid: 'WriteServiceLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: pulumi.interpolate`${logGroup.arn}:*`,
          },
          {
            // Admin image uploads: presigned POSTs signed by this role, into product images of the primary's bucket.
            Sid: 'UploadProductImages',
            Effect: 'Allow',
            Action: ['s3:PutObject'],
            Resource: pulumi.interpolate`arn:aws:s3:::${args.uploadsBucketName}/assets/products/*`,
          },
          {
            // The readiness metric (issue #14). PutMetricData has no resource-level permissions; the condition key
            // cloudwatch:namespace limits it to the service's namespace (Service Authorization Reference, Amazon
            // CloudWatch: PutMetricData, condition keys).
            Sid: 'PublishReadiness',
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': READINESS_NAMESPACE } },
          },
        ]),
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      regionalName(ctx, 'instance-profile'),
      { role: role.name },
      { parent: this },
    );

    const values: Inputs<UserDataValues> = {
      REGION: region,
      IMAGE: image,
      APP_PORT: String(config.appPort),
      INTERNAL_PORT: String(config.internalPort),
      LOG_GROUP: logGroup.name,
      DB_SECRET_ID: args.dbSecretName,
      REDIS_SECRET_ID: args.redisAuthSecretArn,
      SESSION_SECRET_ID: args.sessionSecretArn,
      DB_HOST: args.dbWriteEndpoint,
      DB_READER_HOST: args.dbReaderEndpoint,
      DB_MIGRATION_HOST: args.dbMigrationEndpoint,
      DB_PORT: String(args.dbPort),
      DB_NAME: args.dbName,
      REDIS_HOST: args.redisEndpoint,
      REDIS_PORT: String(args.redisPort),
      ASSETS_BUCKET: args.uploadsBucketName,
      ASSETS_BUCKET_REGION: args.uploadsBucketRegion,
      ASSETS_BASE_URL: args.assetsBaseUrl,
      CACHE_TTL_SECONDS: String(config.cacheTtlSeconds),
      RATE_LIMIT_MAX: String(config.rateLimitMax),
      // The same number the web ACL's body rule is built from (infra/limits.ts, issue #10 item 11).
      BODY_LIMIT_BYTES: String(SERVICE_BODY_LIMIT_BYTES),
      READINESS_METRIC_NAMESPACE: READINESS_NAMESPACE,
      // The image's entrypoint runs `prisma migrate deploy` only when told to: in the writer's region.
      RUN_MIGRATIONS: config.role === 'primary' ? 'true' : 'false',
      RDS_CA_URL: RDS_CA_BUNDLE_URL,
    };
    const userData = pulumi.output(values).apply((v) => Buffer.from(renderUserData(v)).toString('base64'));

    // The AMI moves with releases (or stays pinned), so an unrelated `up` rolls no instance (ami.ts).
    const amiId = serviceAmi(config, image, { parent: this });
    const tags = { Name: regionalName(ctx, 'service'), ...config.tags };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      regionalName(ctx, 'service-lt'),
      {
        description: `edgecart service in ${region}`,
        imageId: amiId,
        instanceType: config.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [args.securityGroupId],
        userData,
        metadataOptions: {
          httpEndpoint: 'enabled',
          httpTokens: 'required',
          // 2 hops: the container (bridge network) reaches IMDS for the role's credentials.
          httpPutResponseHopLimit: 2,
          instanceMetadataTags: 'disabled',
        },
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { volumeType: 'gp3', volumeSize: ROOT_VOLUME_GIB, encrypted: 'true', deleteOnTermination: 'true' },
          },
        ],
        monitoring: { enabled: true },
        ebsOptimized: 'true',
        updateDefaultVersion: true,
        tagSpecifications: [
          { resourceType: 'instance', tags },
          { resourceType: 'volume', tags },
        ],
      },
      { parent: this },
    );

    const group = new aws.autoscaling.Group(
      regionalName(ctx, 'service-asg'),
      {
        vpcZoneIdentifiers: args.privateSubnetIds,
        minSize: config.minSize,
        maxSize: config.maxSize,
        desiredCapacity: config.desiredCapacity,
        // A pinned version (never $Latest): a new template version is a change Pulumi sees, which starts the
        // instance refresh below, and auto-rollback has a known version to return to.
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
        targetGroupArns: [args.targetGroupArn],
        healthCheckType: 'ELB',
        // At least the boot time (image pull with retries, migrations), or Auto Scaling would replace instances
        // that are still booting (issue #10 item 8).
        healthCheckGracePeriod: INSTANCE_BOOT_SECONDS,
        defaultInstanceWarmup: INSTANCE_WARMUP_SECONDS,
        capacityRebalance: true,
        // On create, `pulumi up` waits until at least minSize instances pass the ALB health check (terraform-
        // provider-aws internal/service/autoscaling/group.go, resourceGroupCreate: "want at least %d healthy
        // instance(s) registered to Load Balancer", minElbCapacity unless waitForElbCapacity is set). On update the
        // provider waits only when minSize, desiredCapacity or desiredCapacityType change (resourceGroupUpdate,
        // shouldWaitForCapacity), never for an instance refresh, and then for an *exact* count: exactly
        // max(minSize, desiredCapacity) InService instances ("want exactly %d healthy instance(s) in Auto Scaling
        // Group"), desiredCapacity being the value in Pulumi's state (what the scaling policy set reaches it only
        // through `pulumi refresh`), and with waitForElbCapacity also exactly that many healthy targets. So a
        // minSize change while the fleet is scaled out past both hangs for waitForCapacityTimeout and fails, with
        // or without waitForElbCapacity (the change itself is applied; docs/deploy.md, "Releasing"). minElbCapacity
        // is read on create only. A release is therefore not done when `pulumi up` returns: CI waits for the
        // refresh (scripts/wait-instance-refresh.ts).
        minElbCapacity: config.minSize,
        waitForCapacityTimeout: '20m',
        metricsGranularity: '1Minute',
        enabledMetrics: [
          'GroupDesiredCapacity',
          'GroupInServiceInstances',
          'GroupPendingInstances',
          'GroupTerminatingInstances',
          'GroupMinSize',
          'GroupMaxSize',
        ],
        // A release is a new launch template version (the image digest is in the user data), which starts this
        // refresh (group.go: a launch_template change sets shouldRefreshInstances). A refresh still running is
        // cancelled first (startInstanceRefresh: on InstanceRefreshInProgressFault it calls CancelInstanceRefresh
        // and starts again), so no `pulumi up` may run while one does: one deploy at a time, each waiting for its
        // refresh (.github/workflows/deploy.yml). Every preference below is
        // checked by policy/instance-refresh.ts against the EC2 Auto Scaling API Reference (RefreshPreferences,
        // AlarmSpecification) and the User Guide ("Undo changes with a manual or auto rollback").
        instanceRefresh: {
          strategy: 'Rolling',
          preferences: {
            // Launch before terminate: never below full capacity while the release rolls. The 100-200 range lets AWS
            // replace up to the whole group per batch; the checkpoints (25 %, then 100 %) are what hold the canary.
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: String(INSTANCE_WARMUP_SECONDS),
            // The canary: the first instances take shoppers, then the refresh waits while the alarms watch them.
            checkpointPercentages: [...RELEASE_CHECKPOINT_PERCENTAGES],
            checkpointDelay: String(RELEASE_CHECKPOINT_DELAY_SECONDS),
            // Any of these in ALARM fails the refresh; autoRollback then replaces the new instances with the
            // previous launch template version. Rollback needs a desired configuration (the provider sends the
            // launch template as DesiredConfiguration when autoRollback is true, expandStartInstanceRefreshInput),
            // a numbered version (never $Latest/$Default) and an AMI ID rather than an SSM parameter in the
            // template: both hold here (version pinned below, imageId resolved from the parameter at deploy time).
            alarmSpecification: { alarms: args.releaseAlarmNames },
            autoRollback: true,
            // Instances already on the desired version are not replaced again: a refresh re-run after a cancelled
            // one replaces only what is left (AWS restarts a partial refresh from the start, not its checkpoint).
            // Safe because every release is a new template version: the user data pins the image by digest, so
            // no instance on an old version can "match" (User Guide, "Use an instance refresh with skip matching").
            skipMatching: true,
          },
        },
        tags: [{ key: 'Name', value: regionalName(ctx, 'service'), propagateAtLaunch: true }],
      },
      // The scaling policies own the desired capacity once the group exists.
      { parent: this, ignoreChanges: ['desiredCapacity'] },
    );

    new aws.autoscaling.Policy(
      regionalName(ctx, 'scale-on-cpu'),
      {
        autoscalingGroupName: group.name,
        policyType: 'TargetTrackingScaling',
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
          targetValue: config.cpuTarget,
        },
      },
      { parent: this },
    );
    new aws.autoscaling.Policy(
      regionalName(ctx, 'scale-on-requests'),
      {
        autoscalingGroupName: group.name,
        policyType: 'TargetTrackingScaling',
        targetTrackingConfiguration: {
          predefinedMetricSpecification: {
            predefinedMetricType: 'ALBRequestCountPerTarget',
            resourceLabel: args.requestCountResourceLabel,
          },
          targetValue: config.requestsPerTarget,
        },
      },
      { parent: this, dependsOn: [args.targetGroupAttachment] },
    );

    this.autoScalingGroupName = group.name;
    this.launchTemplateId = launchTemplate.id;
    this.launchTemplateVersion = launchTemplate.latestVersion;
    this.amiId = amiId;
    this.logGroupName = logGroup.name;
    this.instanceRoleArn = role.arn;
    this.image = image;
    this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName, image: this.image });
  }
}
