// Route 53 for this region: the regional ACM certificate of origin.<domain> (DNS-validated) and the latency
// record origin.<domain> → this ALB, guarded by a health check that needs no inbound traffic.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { originHostname } from '../contract.js';
import { type RegionContext, regionalName } from './context.js';

export interface OriginCertificateArgs {
  ctx: RegionContext;
  zoneId: pulumi.Input<string>;
}

/** The ALB's certificate for origin.<domain>, in this region (ACM certificates are regional). */
export class OriginCertificate extends pulumi.ComponentResource {
  /** ARN of the certificate once validated. */
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: OriginCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:OriginCertificate', name, {}, opts);
    const { ctx } = args;
    const hostname = originHostname(ctx.config.domain);

    const certificate = new aws.acm.Certificate(
      regionalName(ctx, 'origin-cert'),
      { domainName: hostname, validationMethod: 'DNS', keyAlgorithm: 'EC_prime256v1' },
      { parent: this },
    );
    const validation = certificate.domainValidationOptions.apply((options) => {
      const option = options.find((o) => o.domainName === hostname);
      if (!option) throw new Error(`ACM returned no DNS validation record for ${hostname}`);
      return option;
    });
    // ACM's validation CNAME for a name is the same in every region and account, so each regional stack writes
    // the same record: allowOverwrite lets the second stack adopt it instead of failing on "already exists".
    // Retained on delete (issue #10 item 10): destroying one regional stack must not delete the record the other
    // regions' certificates renew with (ACM User Guide, "DNS validation": the CNAME must stay for renewal).
    const record = new aws.route53.Record(
      regionalName(ctx, 'origin-cert-validation'),
      {
        zoneId: args.zoneId,
        name: validation.resourceRecordName,
        type: validation.resourceRecordType,
        records: [validation.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent: this, retainOnDelete: true },
    );
    const validated = new aws.acm.CertificateValidation(
      regionalName(ctx, 'origin-cert-validated'),
      { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
      { parent: this },
    );

    this.arn = validated.certificateArn;
    this.registerOutputs({ arn: this.arn });
  }
}

export interface OriginDnsArgs {
  ctx: RegionContext;
  zoneId: pulumi.Input<string>;
  albDnsName: pulumi.Input<string>;
  albZoneId: pulumi.Input<string>;
  /**
   * CloudWatch alarms (in this region, each on one standard-resolution metric) that are in ALARM while the region
   * cannot take an order: no healthy host, readiness failing on most instances (monitoring.ts).
   */
  healthAlarmNames: pulumi.Input<string>[];
}

/** This region's latency record for origin.<domain>, which drops out of DNS when the region is unhealthy. */
export class OriginDns extends pulumi.ComponentResource {
  readonly healthCheckId: pulumi.Output<string>;
  readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: OriginDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:OriginDns', name, {}, opts);
    const { ctx } = args;

    // Alarm-based, so Route 53 needs no path into the VPC. One child check per alarm (a CLOUDWATCH_METRIC check
    // follows exactly one alarm, and only an alarm on one metric with a plain statistic: Route 53 API Reference,
    // AlarmIdentifier), and a CALCULATED parent healthy only while every child is (CreateHealthCheck,
    // HealthThreshold; Route 53 Developer Guide, "Health checks that monitor other health checks"). An alarm
    // without data yet (a new region) counts as unhealthy, so a region enters DNS once it has shown it serves.
    const children = args.healthAlarmNames.map(
      (alarmName, i) =>
        new aws.route53.HealthCheck(
          regionalName(ctx, `origin-health-${i + 1}`),
          {
            type: 'CLOUDWATCH_METRIC',
            cloudwatchAlarmName: alarmName,
            cloudwatchAlarmRegion: ctx.region,
            insufficientDataHealthStatus: 'Unhealthy',
            tags: { Name: regionalName(ctx, `origin-health-${i + 1}`) },
          },
          { parent: this },
        ),
    );
    const healthCheck = new aws.route53.HealthCheck(
      regionalName(ctx, 'origin-health'),
      {
        type: 'CALCULATED',
        childHealthchecks: children.map((c) => c.id),
        childHealthThreshold: children.length,
        tags: { Name: regionalName(ctx, 'origin-health') },
      },
      { parent: this },
    );

    const record = new aws.route53.Record(
      regionalName(ctx, 'origin-latency'),
      {
        zoneId: args.zoneId,
        name: originHostname(ctx.config.domain),
        type: 'A',
        setIdentifier: ctx.region,
        latencyRoutingPolicies: [{ region: ctx.region }],
        healthCheckId: healthCheck.id,
        aliases: [{ name: args.albDnsName, zoneId: args.albZoneId, evaluateTargetHealth: true }],
      },
      { parent: this },
    );

    this.healthCheckId = healthCheck.id;
    this.fqdn = record.fqdn;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
