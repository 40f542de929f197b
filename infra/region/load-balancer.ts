// The regional ALB: HTTPS only (CloudFront redirects viewers, so no port 80), a TLS 1.3 policy, invalid header
// fields dropped, deletion protection. Every request without CloudFront's secret origin header gets 403; only
// requests carrying it are forwarded to the instances, on their traffic port. The internal endpoints (/metrics,
// /ready, /docs) are refused here too, in front of the service's own 404 for them on that port (issue #23); the
// health check uses the instances' internal port, which the listener never forwards to.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ACCESS_LOG_RETENTION_DAYS, LogBucket } from '../log-bucket.js';
import { type RegionContext, regionalName, stackNamespace } from './context.js';
import { INTERNAL_PATH_GROUPS, INTERNAL_PATH_RESPONSE } from './internal-paths.js';

export interface LoadBalancerArgs {
  ctx: RegionContext;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  /** Validated regional certificate for origin.<domain>. */
  certificateArn: pulumi.Input<string>;
  originVerifyHeaderName: pulumi.Input<string>;
  originVerifyHeaderValue: pulumi.Input<string>;
}

/**
 * TLS 1.3 plus TLS 1.2 with forward-secret AEAD ciphers only. CloudFront's origin-side protocol list tops out at
 * TLSv1.2, so a TLS-1.3-only policy could refuse CloudFront itself.
 */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';
export const HEALTH_CHECK_PATH = '/health';
export const DEREGISTRATION_DELAY_SECONDS = 30;

export class LoadBalancer extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly arnSuffix: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** The rule that attaches the target group to the ALB (what request-count scaling must wait for). */
  readonly forwardRule: aws.lb.ListenerRule;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:LoadBalancer', name, {}, opts);
    const { ctx } = args;
    const { config } = ctx;

    // Who asked for what, kept a year (Security Hub ELB.5; issue #20 item 6).
    const logs = new LogBucket(
      regionalName(ctx, 'alb-logs'),
      {
        bucketName: `${stackNamespace(ctx)}-alb-logs-${ctx.accountId}`,
        region: ctx.region,
        accountId: ctx.accountId,
        source: 'alb',
        retentionDays: ACCESS_LOG_RETENTION_DAYS,
        protect: config.protectData,
      },
      { parent: this },
    );

    const alb = new aws.lb.LoadBalancer(
      regionalName(ctx, 'alb'),
      {
        loadBalancerType: 'application',
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.securityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: config.protectData,
        // Below the service's keep-alive timeout, so the ALB never reuses a connection the service has closed.
        idleTimeout: 60,
        enableHttp2: true,
        desyncMitigationMode: 'strictest',
        xffHeaderProcessingMode: 'append',
        accessLogs: { bucket: logs.bucket, enabled: true },
      },
      // ELB checks that it may write to the bucket when access logs are turned on.
      { parent: this, dependsOn: [logs.policy] },
    );

    const targetGroup = new aws.lb.TargetGroup(
      regionalName(ctx, 'tg'),
      {
        vpcId: args.vpcId,
        targetType: 'instance',
        protocol: 'HTTP',
        port: config.appPort,
        deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
        healthCheck: {
          enabled: true,
          protocol: 'HTTP',
          path: HEALTH_CHECK_PATH,
          // The internal listener: a health check port may differ from the traffic port (HealthCheckPort,
          // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html).
          port: String(config.internalPort),
          matcher: '200',
          interval: 10,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
      },
      { parent: this },
    );

    const listener = new aws.lb.Listener(
      regionalName(ctx, 'https'),
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: ALB_SSL_POLICY,
        certificateArn: args.certificateArn,
        defaultActions: [
          {
            type: 'fixed-response',
            fixedResponse: {
              statusCode: '403',
              contentType: 'application/json',
              messageBody: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}',
            },
          },
        ],
      },
      { parent: this },
    );

    INTERNAL_PATH_GROUPS.forEach((paths, i) => {
      new aws.lb.ListenerRule(
        regionalName(ctx, `internal-paths-${i + 1}`),
        {
          listenerArn: listener.arn,
          // Before the forward rule (10): evaluated lowest first.
          priority: i + 1,
          conditions: [{ pathPattern: { values: [...paths] } }],
          actions: [
            {
              type: 'fixed-response',
              fixedResponse: {
                statusCode: String(INTERNAL_PATH_RESPONSE.statusCode),
                contentType: INTERNAL_PATH_RESPONSE.contentType,
                messageBody: INTERNAL_PATH_RESPONSE.messageBody,
              },
            },
          ],
        },
        { parent: this },
      );
    });

    this.forwardRule = new aws.lb.ListenerRule(
      regionalName(ctx, 'from-cloudfront'),
      {
        listenerArn: listener.arn,
        priority: 10,
        conditions: [
          { httpHeader: { httpHeaderName: args.originVerifyHeaderName, values: [args.originVerifyHeaderValue] } },
        ],
        actions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      },
      { parent: this },
    );

    this.arn = alb.arn;
    this.arnSuffix = alb.arnSuffix;
    this.dnsName = alb.dnsName;
    this.zoneId = alb.zoneId;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.registerOutputs({ dnsName: this.dnsName });
  }
}
