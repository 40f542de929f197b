// Security groups, each as narrow as the traffic it carries. Rules are separate resources (one per rule) so
// that every rule is visible, reviewable and testable on its own, and a group has no rule it was not given.
//
//   CloudFront (origin-facing prefix list) ──443──▶ ALB ──appPort──▶ instances ──5432──▶ Aurora
//                                                   └──internalPort──▶ │ ├──6379──▶ Redis
//                          metrics scrapers ──internalPort──▶          │ └──443───▶ interface endpoints
//                                                                      └──443───▶ AWS APIs / ECR via NAT
// The internal port (/health for the ALB's health check, /ready, /metrics, /docs) is open to the ALB (health
// checks only: its listener forwards to the traffic port) and to the scraper group, which a Prometheus scraper
// (e.g. an Amazon Managed Service for Prometheus collector in this VPC) is given; nothing else (issue #23).
// No SSH anywhere: operators use SSM Session Manager (port forwarding to the internal port for /metrics or /docs).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type RegionContext, regionalName } from './context.js';

export interface SecurityGroupsArgs {
  ctx: RegionContext;
  vpcId: pulumi.Input<string>;
  /** The interface endpoints' group, created with the network. */
  endpointSecurityGroupId: pulumi.Input<string>;
}

/** The AWS-managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

export class SecurityGroups extends pulumi.ComponentResource {
  readonly albId: pulumi.Output<string>;
  readonly instanceId: pulumi.Output<string>;
  readonly databaseId: pulumi.Output<string>;
  readonly cacheId: pulumi.Output<string>;
  /** The group a metrics scraper is given to reach the instances' internal port. */
  readonly scraperId: pulumi.Output<string>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:SecurityGroups', name, {}, opts);
    const { ctx, vpcId } = args;
    const { region } = ctx;
    const port = ctx.config.appPort;
    const internalPort = ctx.config.internalPort;

    const group = (suffix: string, description: string) =>
      new aws.ec2.SecurityGroup(
        regionalName(ctx, `${suffix}-sg`),
        { vpcId, description, tags: { Name: regionalName(ctx, `${suffix}-sg`) } },
        { parent: this },
      );
    const alb = group('alb', `ALB in ${region}: HTTPS from CloudFront only`);
    const instance = group('instance', `Service instances in ${region}: app port from the ALB only`);
    const database = group('db', `Aurora in ${region}: PostgreSQL from the service instances only`);
    const cache = group('cache', `Redis in ${region}: from the service instances only`);
    const scraper = group('scraper', `Metrics scrapers in ${region}: the instances' internal port only`);

    const cloudfront = aws.ec2.getManagedPrefixListOutput(
      { name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST },
      { parent: this },
    );

    const ingress = (
      suffix: string,
      groupId: pulumi.Input<string>,
      fromPort: number,
      source: { referencedSecurityGroupId?: pulumi.Input<string>; prefixListId?: pulumi.Input<string> },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        regionalName(ctx, suffix),
        { securityGroupId: groupId, ipProtocol: 'tcp', fromPort, toPort: fromPort, description, ...source },
        { parent: this },
      );
    const egress = (
      suffix: string,
      groupId: pulumi.Input<string>,
      toPort: number,
      destination: {
        referencedSecurityGroupId?: pulumi.Input<string>;
        cidrIpv4?: string;
        prefixListId?: pulumi.Input<string>;
      },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupEgressRule(
        regionalName(ctx, suffix),
        { securityGroupId: groupId, ipProtocol: 'tcp', fromPort: toPort, toPort, description, ...destination },
        { parent: this },
      );

    ingress('alb-in-https', alb.id, 443, { prefixListId: cloudfront.id }, 'HTTPS from CloudFront origin-facing');
    egress('alb-out-app', alb.id, port, { referencedSecurityGroupId: instance.id }, 'To the service instances');

    egress('alb-out-health', alb.id, internalPort, { referencedSecurityGroupId: instance.id }, 'Health checks');

    ingress('instance-in-app', instance.id, port, { referencedSecurityGroupId: alb.id }, 'From the ALB');
    ingress(
      'instance-in-health',
      instance.id,
      internalPort,
      { referencedSecurityGroupId: alb.id },
      'ALB health checks',
    );
    ingress(
      'instance-in-scrape',
      instance.id,
      internalPort,
      { referencedSecurityGroupId: scraper.id },
      'Metrics scrapes',
    );
    egress('scraper-out', scraper.id, internalPort, { referencedSecurityGroupId: instance.id }, 'To /metrics');
    egress('instance-out-db', instance.id, 5432, { referencedSecurityGroupId: database.id }, 'To Aurora');
    egress('instance-out-redis', instance.id, 6379, { referencedSecurityGroupId: cache.id }, 'To Redis');
    // ECR, Secrets Manager, SSM, CloudWatch (via the endpoints or the NAT) and S3 all speak HTTPS.
    egress('instance-out-https', instance.id, 443, { cidrIpv4: '0.0.0.0/0' }, 'HTTPS to AWS APIs');

    ingress('db-in-pg', database.id, 5432, { referencedSecurityGroupId: instance.id }, 'PostgreSQL from the instances');
    ingress('redis-in', cache.id, 6379, { referencedSecurityGroupId: instance.id }, 'Redis from the instances');
    ingress(
      'endpoints-in-https',
      args.endpointSecurityGroupId,
      443,
      { referencedSecurityGroupId: instance.id },
      'HTTPS from the instances',
    );

    this.albId = alb.id;
    this.instanceId = instance.id;
    this.databaseId = database.id;
    this.cacheId = cache.id;
    this.scraperId = scraper.id;
    this.registerOutputs({ albId: this.albId, instanceId: this.instanceId, scraperId: this.scraperId });
  }
}
