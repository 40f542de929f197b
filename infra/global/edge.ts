// The edge: what a shopper's browser talks to. CloudFront (with its certificate and WAF in us-east-1, where
// CloudFront requires them) sends `/api/*` uncached to the regional origins behind `origin.<domain>`
// (latency-routed by Route 53), keeps the catalog reads and the page shell as the origin's Cache-Control allows
// (edge-caching.ts, issue #22), and serves `/assets/*` from the regional S3 buckets through Origin Access
// Control, failing over from the primary region's bucket to a secondary's.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { originHostname } from '../contract.js';
import { CATALOG_PATH_PATTERNS, edgeCachePolicies } from './edge-caching.js';
import { edgeAccessLogs } from './edge-logging.js';
import { WebFirewall } from './waf.js';

/** Header CloudFront adds to every request to the API origin; each regional ALB answers 403 without it. */
export const ORIGIN_VERIFY_HEADER_NAME = 'X-Origin-Verify';

/** Status codes from the primary asset bucket that make CloudFront retry the secondary one. */
export const ASSET_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504];

export interface AssetOrigin {
  region: string;
  bucketName: pulumi.Input<string>;
}

export interface EdgeArgs {
  /** Prefix of account-wide names (CloudFront policies, WAF), e.g. edgecart-global. */
  namePrefix: string;
  domain: string;
  zoneId: pulumi.Input<string>;
  /** Asset buckets: the first is the primary origin, the second (if any) the failover. */
  assetOrigins: AssetOrigin[];
  wafRateLimit: number;
  priceClass: string;
  /** us-east-1: CloudFront's certificate, WAF web ACL and distribution. */
  edgeProvider: aws.Provider;
  /** The stack's home region: Route 53 records. */
  provider: aws.Provider;
}

export class Edge extends pulumi.ComponentResource {
  readonly distributionArn: pulumi.Output<string>;
  readonly distributionDomainName: pulumi.Output<string>;
  readonly originVerifyHeaderValue: pulumi.Output<string>;
  readonly webAclArn: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Edge', name, {}, opts);
    const edge = { parent: this, provider: args.edgeProvider };
    const home = { parent: this, provider: args.provider };

    // Certificate for the shop's domain, validated through the hosted zone.
    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { domainName: args.domain, validationMethod: 'DNS', keyAlgorithm: 'EC_prime256v1' },
      edge,
    );
    const validationOption = certificate.domainValidationOptions.apply((options) => {
      const option = options.find((o) => o.domainName === args.domain);
      if (!option) throw new Error(`ACM returned no DNS validation option for ${args.domain}`);
      return option;
    });
    const validationRecord = new aws.route53.Record(
      `${name}-certificate-validation`,
      {
        zoneId: args.zoneId,
        name: validationOption.resourceRecordName,
        type: validationOption.resourceRecordType,
        records: [validationOption.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      home,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-certificate`,
      { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
      edge,
    );

    const firewall = new WebFirewall(
      `${name}-waf`,
      { name: `${args.namePrefix}-edge`, rateLimit: args.wafRateLimit, provider: args.edgeProvider },
      { parent: this },
    );

    // The API answers differ per user (cookies, query strings): never cache them, forward everything the
    // viewer sent except Host, so CloudFront asks the origin for origin.<domain>, which its certificate covers.
    const cachingDisabled = aws.cloudfront.getCachePolicyOutput({ name: 'Managed-CachingDisabled' }, edge);
    const allViewerExceptHost = aws.cloudfront.getOriginRequestPolicyOutput(
      { name: 'Managed-AllViewerExceptHostHeader' },
      edge,
    );

    // Assets are immutable, content-addressed objects: cache them at the edge for long, keyed on the path only.
    const assetsCachePolicy = new aws.cloudfront.CachePolicy(
      `${name}-assets`,
      {
        name: `${args.namePrefix}-assets`,
        comment: 'Long-lived caching of /assets/*: path-only cache key, compressed variants',
        minTtl: 0,
        defaultTtl: 7 * 86_400,
        maxTtl: 365 * 86_400,
        parametersInCacheKeyAndForwardedToOrigin: {
          cookiesConfig: { cookieBehavior: 'none' },
          headersConfig: { headerBehavior: 'none' },
          queryStringsConfig: { queryStringBehavior: 'none' },
          enableAcceptEncodingBrotli: true,
          enableAcceptEncodingGzip: true,
        },
      },
      edge,
    );

    const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      {
        name: `${args.namePrefix}-security-headers`,
        comment: 'Security headers on every response; the service may set its own CSP for pages',
        securityHeadersConfig: {
          strictTransportSecurity: {
            accessControlMaxAgeSec: 2 * 365 * 86_400,
            includeSubdomains: true,
            preload: true,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: 'DENY', override: true },
          referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
          // The legacy XSS auditor causes more harm than good; "0" turns it off (as helmet does).
          xssProtection: { protection: false, override: true },
          contentSecurityPolicy: {
            contentSecurityPolicy:
              "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
            // A page's own CSP from the service wins; assets from S3 get this one.
            override: false,
          },
        },
      },
      edge,
    );

    const originAccessControl = new aws.cloudfront.OriginAccessControl(
      `${name}-assets`,
      {
        name: `${args.namePrefix}-assets`,
        description: 'CloudFront signs every request to the asset buckets (SigV4); the buckets allow only it',
        originAccessControlOriginType: 's3',
        signingBehavior: 'always',
        signingProtocol: 'sigv4',
      },
      edge,
    );

    const headerValue = new random.RandomPassword(
      `${name}-origin-verify`,
      { length: 48, special: false },
      { parent: this },
    );
    this.originVerifyHeaderValue = pulumi.secret(headerValue.result);

    const [primaryAssets, ...failoverAssets] = args.assetOrigins;
    if (!primaryAssets) throw new Error('The edge needs at least one asset bucket region');
    const secondaryAssets = failoverAssets[0];
    const assetOriginId = (region: string) => `assets-${region}`;
    const assetsTarget = secondaryAssets ? 'assets' : assetOriginId(primaryAssets.region);

    const apiBehaviour = {
      targetOriginId: 'api',
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
      cachedMethods: ['GET', 'HEAD'],
      compress: true,
      cachePolicyId: cachingDisabled.apply((p) => p.id!),
      originRequestPolicyId: allViewerExceptHost.apply((p) => p.id!),
      responseHeadersPolicyId: securityHeaders.id,
    };

    // Issue #22: the catalog reads and the page shell, cached as the origin says (edge-caching.ts).
    const cached = edgeCachePolicies(name, { namePrefix: args.namePrefix }, edge);
    const catalogBehaviours = CATALOG_PATH_PATTERNS.map((pathPattern) => ({
      ...apiBehaviour,
      pathPattern,
      cachePolicyId: cached.catalogCachePolicyId,
      originRequestPolicyId: cached.catalogOriginRequestPolicyId,
    }));
    const pageBehaviour = {
      ...apiBehaviour,
      cachePolicyId: cached.pageCachePolicyId,
      originRequestPolicyId: cached.pageOriginRequestPolicyId,
    };

    const distribution = new aws.cloudfront.Distribution(
      `${name}-cdn`,
      {
        comment: `edgecart ${args.domain}`,
        enabled: true,
        aliases: [args.domain],
        isIpv6Enabled: true,
        httpVersion: 'http2and3',
        priceClass: args.priceClass,
        webAclId: firewall.arn,
        viewerCertificate: {
          acmCertificateArn: validation.certificateArn,
          sslSupportMethod: 'sni-only',
          minimumProtocolVersion: 'TLSv1.2_2021',
        },
        restrictions: { geoRestriction: { restrictionType: 'none', locations: [] } },
        origins: [
          {
            originId: 'api',
            domainName: originHostname(args.domain),
            customOriginConfig: {
              originProtocolPolicy: 'https-only',
              originSslProtocols: ['TLSv1.2'],
              httpPort: 80,
              httpsPort: 443,
              // Below the ALB's 60 s idle timeout so CloudFront, not the ALB, closes idle connections.
              originKeepaliveTimeout: 55,
              originReadTimeout: 30,
            },
            // A lost region's ALB may not answer at all: stale-if-error only serves the last copy once CloudFront
            // gives up on the origin, after every connection attempt has timed out (3 × 10 s by default). 2 × 3 s
            // keeps that wait short; an ALB accepts a connection in milliseconds. Valid: 1-3 attempts, 1-10 s
            // (CloudFront API Reference, Origin: ConnectionAttempts, ConnectionTimeout).
            connectionAttempts: 2,
            connectionTimeout: 3,
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER_NAME, value: this.originVerifyHeaderValue }],
          },
          ...args.assetOrigins.slice(0, 2).map((o) => ({
            originId: assetOriginId(o.region),
            domainName: pulumi.interpolate`${o.bucketName}.s3.${o.region}.amazonaws.com`,
            originAccessControlId: originAccessControl.id,
          })),
        ],
        originGroups: secondaryAssets
          ? [
              {
                originId: 'assets',
                failoverCriteria: { statusCodes: ASSET_FAILOVER_STATUS_CODES },
                members: [
                  { originId: assetOriginId(primaryAssets.region) },
                  { originId: assetOriginId(secondaryAssets.region) },
                ],
              },
            ]
          : [],
        orderedCacheBehaviors: [
          {
            pathPattern: '/assets/*',
            targetOriginId: assetsTarget,
            viewerProtocolPolicy: 'redirect-to-https',
            // Origin groups only serve these; assets are read-only anyway.
            allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
            cachedMethods: ['GET', 'HEAD'],
            compress: true,
            cachePolicyId: assetsCachePolicy.id,
            responseHeadersPolicyId: securityHeaders.id,
          },
          ...catalogBehaviours,
          { pathPattern: '/api/*', ...apiBehaviour },
        ],
        // Pages are rendered by the service too: everything else goes to the API origin, cached only where it
        // answers shareable (the page shell; /health, /ready, /metrics and every error are no-store).
        defaultCacheBehavior: pageBehaviour,
      },
      edge,
    );

    edgeAccessLogs(name, { namePrefix: args.namePrefix, distributionArn: distribution.arn }, edge);

    for (const type of ['A', 'AAAA']) {
      new aws.route53.Record(
        `${name}-alias-${type.toLowerCase()}`,
        {
          zoneId: args.zoneId,
          name: args.domain,
          type,
          aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
        },
        home,
      );
    }

    this.distributionArn = distribution.arn;
    this.distributionDomainName = distribution.domainName;
    this.webAclArn = firewall.arn;
    this.registerOutputs({
      distributionArn: this.distributionArn,
      distributionDomainName: this.distributionDomainName,
      webAclArn: this.webAclArn,
    });
  }
}
