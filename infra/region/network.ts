// The regional network: a VPC over N AZs with public (ALB, NAT), private (instances) and isolated (Aurora,
// Redis) subnets, an S3 gateway endpoint, optional interface endpoints and VPC flow logs.
import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import { type RegionContext, regionalName, stackNamespace } from './context.js';
import { policyDocument, serviceTrustPolicy } from './iam.js';

export interface NetworkArgs {
  ctx: RegionContext;
  /** AZ names to spread over (already cut to config.availabilityZones). */
  availabilityZoneNames: string[];
}

/** Interface endpoints that keep image pulls, Session Manager, logs and secrets traffic off the NAT. */
export const INTERFACE_ENDPOINT_SERVICES = [
  'ecr.api',
  'ecr.dkr',
  'ssm',
  'ssmmessages',
  'ec2messages',
  'logs',
  'secretsmanager',
] as const;

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  /** Security group of the interface endpoints (filled in by SecurityGroups with 443 from the instances). */
  readonly endpointSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Network', name, {}, opts);
    const { ctx } = args;
    const { config, region } = ctx;
    this.cidrBlock = config.vpcCidr;

    const vpc = new awsx.ec2.Vpc(
      regionalName(ctx, 'vpc'),
      {
        cidrBlock: config.vpcCidr,
        availabilityZoneNames: args.availabilityZoneNames,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs: [
          { type: awsx.ec2.SubnetType.Public, cidrMask: 24, name: 'public' },
          { type: awsx.ec2.SubnetType.Private, cidrMask: 20, name: 'private' },
          { type: awsx.ec2.SubnetType.Isolated, cidrMask: 24, name: 'isolated' },
        ],
        natGateways: {
          strategy:
            config.natGateways === 'perAz' ? awsx.ec2.NatGatewayStrategy.OnePerAz : awsx.ec2.NatGatewayStrategy.Single,
        },
        tags: { Name: regionalName(ctx, 'vpc') },
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.isolatedSubnetIds = vpc.isolatedSubnetIds;

    // S3 (including ECR's image layers) through a free gateway endpoint on every route table.
    const routeTableIds = vpc.routeTables.apply((tables) => pulumi.all(tables.map((t) => t.id)));
    new aws.ec2.VpcEndpoint(
      regionalName(ctx, 's3-endpoint'),
      {
        vpcId: vpc.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds,
        tags: { Name: regionalName(ctx, 's3-endpoint') },
      },
      { parent: this },
    );

    const endpointSg = new aws.ec2.SecurityGroup(
      regionalName(ctx, 'endpoints-sg'),
      {
        vpcId: vpc.vpcId,
        description: `Interface VPC endpoints in ${region}: HTTPS from the service instances only`,
        tags: { Name: regionalName(ctx, 'endpoints-sg') },
      },
      { parent: this },
    );
    this.endpointSecurityGroupId = endpointSg.id;

    if (config.interfaceEndpoints) {
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new aws.ec2.VpcEndpoint(
          regionalName(ctx, `${service.replace('.', '-')}-endpoint`),
          {
            vpcId: vpc.vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: 'Interface',
            privateDnsEnabled: true,
            subnetIds: vpc.privateSubnetIds,
            securityGroupIds: [endpointSg.id],
            tags: { Name: regionalName(ctx, `${service}-endpoint`) },
          },
          { parent: this },
        );
      }
    }

    // Flow logs of every accepted and rejected flow, to CloudWatch Logs through a role that can write only there.
    const flowLogGroup = new aws.cloudwatch.LogGroup(
      regionalName(ctx, 'flow-logs'),
      { name: `/${stackNamespace(ctx)}/vpc-flow-logs`, retentionInDays: config.logRetentionDays },
      { parent: this },
    );
    const flowLogRole = new aws.iam.Role(
      regionalName(ctx, 'flow-logs-role'),
      {
        description: `VPC flow logs delivery in ${region}`,
        assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', ctx.accountId),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      regionalName(ctx, 'flow-logs-policy'),
      {
        role: flowLogRole.id,
        policy: policyDocument([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
          },
        ]),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      regionalName(ctx, 'flow-log'),
      {
        vpcId: vpc.vpcId,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
        maxAggregationInterval: 60,
      },
      { parent: this },
    );

    this.registerOutputs({ vpcId: this.vpcId });
  }
}
