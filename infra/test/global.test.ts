// The global stack under mocks, run with Pulumi.global.yaml exactly as `pulumi up` would: what a shopper and
// an operator rely on — HTTPS everywhere, WAF in front, assets only through OAC, images and secrets in every
// region, an audit trail — asserted on the inputs the program sends to AWS.
import { beforeAll, describe, expect, it } from 'vitest';
import { assetsBucketName, originHostname } from '../contract.js';
import { contentTag } from '../global/build-context.js';
import { ORIGIN_VERIFY_HEADER_NAME } from '../global/edge.js';
import { SERVICE_BUILD } from '../global/image.js';
import { REPLICATION_CLAIM_PARAMETER } from '../global/registry.js';
import { MANAGED_RULE_GROUPS } from '../global/waf.js';
import { SERVICE_BODY_LIMIT_BYTES, WAF_BODY_INSPECTION_LIMIT_BYTES, WAF_BODY_LIMIT_BYTES } from '../limits.js';
import { loadConfig as loadServiceConfig } from '../../service/src/config.js';
import {
  ACCOUNT_ID,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  type RecordedResource,
  repositoryKey,
} from './mocks.js';
import { type ProgramRun, revealSecrets, runProgram, stackConfig } from './program.js';

const T = {
  provider: 'pulumi:providers:aws',
  certificate: 'aws:acm/certificate:Certificate',
  certificateValidation: 'aws:acm/certificateValidation:CertificateValidation',
  webAcl: 'aws:wafv2/webAcl:WebAcl',
  distribution: 'aws:cloudfront/distribution:Distribution',
  oac: 'aws:cloudfront/originAccessControl:OriginAccessControl',
  oai: 'aws:cloudfront/originAccessIdentity:OriginAccessIdentity',
  cachePolicy: 'aws:cloudfront/cachePolicy:CachePolicy',
  headersPolicy: 'aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy',
  record: 'aws:route53/record:Record',
  zone: 'aws:route53/zone:Zone',
  repository: 'aws:ecr/repository:Repository',
  lifecycle: 'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  replication: 'aws:ecr/replicationConfiguration:ReplicationConfiguration',
  creationTemplate: 'aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate',
  image: 'docker-build:index:Image',
  claim: 'aws:ssm/parameter:Parameter',
  globalCluster: 'aws:rds/globalCluster:GlobalCluster',
  secret: 'aws:secretsmanager/secret:Secret',
  secretVersion: 'aws:secretsmanager/secretVersion:SecretVersion',
  bucket: 'aws:s3/bucket:Bucket',
  publicAccessBlock: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
  bucketEncryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  ownership: 'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  trail: 'aws:cloudtrail/trail:Trail',
} as const;

/** The region of the explicit provider a resource was created with (from the provider resource's inputs). */
function providerRegion(run: ProgramRun, resource: RecordedResource): string {
  expect(resource.provider, `${resource.type} ${resource.name} has an explicit provider`).toBeDefined();
  const name = resource.provider!.split('::')[3];
  return run.byName(T.provider, name!).inputs.region;
}

/** The one resource of a type, with secret inputs revealed. */
function one(run: ProgramRun, type: string): RecordedResource {
  const all = run.ofType(type);
  expect(all, `exactly one ${type}`).toHaveLength(1);
  return { ...all[0]!, inputs: revealSecrets(all[0]!.inputs) };
}

describe('global stack (Pulumi.global.yaml)', () => {
  const config = stackConfig('global');
  const regions = JSON.parse(config['edgecart:regions']!) as string[];
  const home = config['aws:region']!;
  const primary = config['edgecart:primaryRegion'] ?? regions[0]!;
  let run: ProgramRun;

  beforeAll(async () => {
    run = await runProgram(config);
  });

  describe('edge', () => {
    it('keeps the CloudFront certificate, its validation and the web ACL in us-east-1', () => {
      expect(providerRegion(run, one(run, T.certificate))).toBe('us-east-1');
      expect(providerRegion(run, one(run, T.certificateValidation))).toBe('us-east-1');
      expect(providerRegion(run, one(run, T.webAcl))).toBe('us-east-1');
      expect(providerRegion(run, one(run, T.distribution))).toBe('us-east-1');
    });

    it('validates the certificate for the domain through a record in the stack zone', () => {
      const cert = one(run, T.certificate);
      expect(cert.inputs).toMatchObject({ domainName: config['edgecart:domain'], validationMethod: 'DNS' });
      const validation = run.byName(T.record, 'edge-certificate-validation');
      expect(validation.inputs.zoneId).toBe(run.outputs.zoneId);
      expect(validation.inputs.name).toBe(`_x1.${config['edgecart:domain']}.`);
      const distribution = one(run, T.distribution);
      expect(distribution.inputs.viewerCertificate).toMatchObject({
        acmCertificateArn: `arn:aws:mock:us-east-1:${ACCOUNT_ID}:certificate/${cert.name}`,
        sslSupportMethod: 'sni-only',
        minimumProtocolVersion: 'TLSv1.2_2021',
      });
    });

    it('puts the WAF web ACL with the managed rule groups and a rate rule in front of the distribution', () => {
      const acl = one(run, T.webAcl);
      expect(acl.inputs.scope).toBe('CLOUDFRONT');
      expect(acl.inputs.defaultAction).toEqual({ allow: {} });
      const rules = acl.inputs.rules as any[];
      const managed = rules.filter((r) => r.statement.managedRuleGroupStatement);
      expect(managed.map((r) => r.statement.managedRuleGroupStatement.name).sort()).toEqual(
        [
          'AWSManagedRulesAmazonIpReputationList',
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
          'AWSManagedRulesSQLiRuleSet',
        ].sort(),
      );
      expect(MANAGED_RULE_GROUPS).toHaveLength(4);
      for (const r of managed) {
        expect(r.statement.managedRuleGroupStatement.vendorName).toBe('AWS');
        expect(r.overrideAction).toEqual({ none: {} });
      }
      const rate = rules.find((r) => r.statement.rateBasedStatement);
      expect(rate.action).toEqual({ block: {} });
      expect(rate.statement.rateBasedStatement).toMatchObject({
        aggregateKeyType: 'IP',
        limit: Number(config['edgecart:wafRateLimit'] ?? 2000),
      });
      expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);

      expect(one(run, T.distribution).inputs.webAclId).toBe(`arn:aws:mock:us-east-1:${ACCOUNT_ID}:webacl/edge-waf`);
    });

    it('lets through every body the service accepts and blocks larger ones (issue #10 item 11)', () => {
      const acl = one(run, T.webAcl).inputs;
      const rules = acl.rules as any[];
      // The common rule set's 8 KB body rule only counts...
      const crs = rules.find((r) => r.statement.managedRuleGroupStatement?.name === 'AWSManagedRulesCommonRuleSet');
      expect(crs.statement.managedRuleGroupStatement.ruleActionOverrides).toEqual([
        { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
      ]);
      // ...and the web ACL blocks bodies over the service's own limit, seeing up to 64 KB of each body.
      const size = rules.find((r) => r.name === 'body-size-limit');
      expect(size.action).toEqual({ block: {} });
      expect(size.statement.sizeConstraintStatement).toMatchObject({
        comparisonOperator: 'GT',
        size: SERVICE_BODY_LIMIT_BYTES,
        fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
      });
      expect(WAF_BODY_LIMIT_BYTES).toBeGreaterThanOrEqual(SERVICE_BODY_LIMIT_BYTES);
      expect(acl.associationConfig.requestBodies[0].cloudfront.defaultSizeInspectionLimit).toBe('KB_64');
      expect(WAF_BODY_INSPECTION_LIMIT_BYTES).toBeGreaterThanOrEqual(WAF_BODY_LIMIT_BYTES);
    });

    it('agrees with the service on the body limit: infra passes it, and it is the service default too', () => {
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://u:p@db/x',
        REDIS_URL: 'redis://r:6379',
        SESSION_SECRET: 's'.repeat(64),
      };
      let bodyLimit: number | undefined;
      try {
        bodyLimit = loadServiceConfig(env as NodeJS.ProcessEnv).bodyLimit;
      } catch (err) {
        throw new Error(`service config rejected the test environment: ${String(err)}`);
      }
      expect(bodyLimit).toBe(SERVICE_BODY_LIMIT_BYTES);
    });

    it('serves every path over HTTPS only and talks HTTPS to the API origin', () => {
      const d = one(run, T.distribution).inputs;
      const behaviours = [d.defaultCacheBehavior, ...d.orderedCacheBehaviors];
      expect(behaviours.length).toBeGreaterThanOrEqual(3);
      for (const b of behaviours) expect(['redirect-to-https', 'https-only']).toContain(b.viewerProtocolPolicy);
      const api = d.origins.find((o: any) => o.originId === 'api');
      expect(api.domainName).toBe(originHostname(config['edgecart:domain']!));
      expect(api.customOriginConfig.originProtocolPolicy).toBe('https-only');
      expect(api.customOriginConfig.originSslProtocols).toEqual(['TLSv1.2']);
      expect(d.aliases).toEqual([config['edgecart:domain']]);
    });

    it('sends /api/* uncached with cookies and query strings, plus the secret origin header', () => {
      const d = one(run, T.distribution).inputs;
      const api = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/api/*');
      for (const b of [api]) {
        expect(b.targetOriginId).toBe('api');
        expect(b.cachePolicyId).toBe(MANAGED_CACHE_POLICIES['Managed-CachingDisabled']);
        // Everything the viewer sent but Host, so the origin's certificate (origin.<domain>) matches.
        expect(b.originRequestPolicyId).toBe(MANAGED_ORIGIN_REQUEST_POLICIES['Managed-AllViewerExceptHostHeader']);
        expect(b.allowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
        expect(b.responseHeadersPolicyId).toBe('edge-security-headers-id');
      }
      // Pages (the default behaviour) go to the same origin, cached as it says (infra/test/edge-caching.test.ts).
      expect(d.defaultCacheBehavior.targetOriginId).toBe('api');
      const origin = d.origins.find((o: any) => o.originId === 'api');
      expect(origin.customHeaders).toEqual([
        { name: ORIGIN_VERIFY_HEADER_NAME, value: run.outputs.originVerifyHeaderValue },
      ]);
      expect(String(run.outputs.originVerifyHeaderValue).length).toBeGreaterThanOrEqual(32);
      expect(run.secretOutputs).toContain('originVerifyHeaderValue');
    });

    it('serves /assets/* from the primary bucket with failover to a secondary, only through OAC', () => {
      const d = one(run, T.distribution).inputs;
      const assets = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/assets/*');
      // Ordered behaviours match first-come: /assets/* must not be shadowed.
      expect(d.orderedCacheBehaviors.indexOf(assets)).toBe(0);
      expect(assets.targetOriginId).toBe('assets');
      const group = d.originGroups.find((g: any) => g.originId === 'assets');
      const secondary = regions.find((r) => r !== primary)!;
      expect(group.members.map((m: any) => m.originId)).toEqual([`assets-${primary}`, `assets-${secondary}`]);
      expect(group.failoverCriteria.statusCodes).toEqual(expect.arrayContaining([500, 502, 503, 504]));

      const oac = one(run, T.oac).inputs;
      expect(oac).toMatchObject({
        originAccessControlOriginType: 's3',
        signingBehavior: 'always',
        signingProtocol: 'sigv4',
      });
      for (const region of [primary, secondary]) {
        const origin = d.origins.find((o: any) => o.originId === `assets-${region}`);
        expect(origin.domainName).toBe(
          `${assetsBucketName('edgecart-test', ACCOUNT_ID, region)}.s3.${region}.amazonaws.com`,
        );
        expect(origin.originAccessControlId).toBe('edge-assets-id');
        expect(origin.customOriginConfig).toBeUndefined();
        expect(origin.s3OriginConfig?.originAccessIdentity ?? '').toBe('');
      }
      expect(run.ofType(T.oai)).toHaveLength(0);
    });

    it('caches assets for long on a path-only key and adds security headers', () => {
      const d = one(run, T.distribution).inputs;
      const assets = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/assets/*');
      const policy = run.byName(T.cachePolicy, 'edge-assets');
      expect(assets.cachePolicyId).toBe('edge-assets-id');
      expect(policy.inputs.defaultTtl).toBeGreaterThanOrEqual(86_400);
      expect(policy.inputs.maxTtl).toBeGreaterThanOrEqual(365 * 86_400);
      const key = policy.inputs.parametersInCacheKeyAndForwardedToOrigin;
      expect(key.cookiesConfig.cookieBehavior).toBe('none');
      expect(key.queryStringsConfig.queryStringBehavior).toBe('none');
      const headers = one(run, T.headersPolicy).inputs.securityHeadersConfig;
      expect(headers.strictTransportSecurity).toMatchObject({ includeSubdomains: true, override: true });
      expect(headers.strictTransportSecurity.accessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
      expect(headers.contentTypeOptions.override).toBe(true);
      expect(headers.frameOptions.frameOption).toBe('DENY');
    });

    it('points the domain at the distribution (IPv4 and IPv6)', () => {
      for (const type of ['A', 'AAAA']) {
        const record = run.byName(T.record, `edge-alias-${type.toLowerCase()}`).inputs;
        expect(record).toMatchObject({ name: config['edgecart:domain'], type, zoneId: run.outputs.zoneId });
        // The distribution's own domain name (the mocks answer d<hash>.cloudfront.net, as CloudFront does).
        expect(record.aliases[0]).toMatchObject({ zoneId: 'Z2FDTNDATAQYW2' });
        expect(record.aliases[0].name).toMatch(/^d[0-9a-f]+\.cloudfront\.net$/);
      }
    });
  });

  describe('registry and image', () => {
    it('makes the repository scanned on push, encrypted and protected, with a lifecycle policy', () => {
      const repo = one(run, T.repository);
      expect(repo.inputs).toMatchObject({
        // Mutable tags so a revert can push its content tag again; what runs is pinned by digest.
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        forceDelete: false,
      });
      expect(run.optionsOf(T.repository, repo.name).protect).toBe(true);
      const policy = JSON.parse(one(run, T.lifecycle).inputs.policy);
      expect(policy.rules.length).toBeGreaterThan(0);
      // Untagged manifests may be children of a tagged index: no rule may expire them.
      for (const rule of policy.rules) expect(rule.selection.tagStatus).not.toBe('untagged');
    });

    it('replicates to exactly the configured regions other than its own', () => {
      const rule = one(run, T.replication).inputs.replicationConfiguration.rules[0];
      const destinations = rule.destinations.map((d: any) => d.region);
      expect(new Set([home, ...destinations])).toEqual(new Set(regions));
      expect(destinations).not.toContain(home);
      for (const d of rule.destinations) expect(d.registryId).toBe(ACCOUNT_ID);
      expect(rule.repositoryFilters).toEqual([{ filter: run.outputs.repositoryName, filterType: 'PREFIX_MATCH' }]);
      // Replica repositories get the same guarantees.
      const templates = run.ofType(T.creationTemplate).map((t) => t.inputs);
      expect(templates.map((t) => t.region).sort()).toEqual([...destinations].sort());
      for (const t of templates) {
        expect(t).toMatchObject({ appliedFors: ['REPLICATION'], imageTagMutability: 'MUTABLE' });
        expect(String(run.outputs.repositoryName).startsWith(`${t.prefix}/`)).toBe(true);
      }
    });

    it('claims the registry-wide replication configuration before writing it (one global stack per registry)', () => {
      const claim = one(run, T.claim);
      expect(claim.inputs).toMatchObject({ name: REPLICATION_CLAIM_PARAMETER, type: 'String' });
      // Unset: create without Overwrite (a second stack stops), update with it (an edit of this one goes through).
      // An explicit false is applied on update too (ssm/parameter.go, shouldUpdateParameter).
      expect(claim.inputs).not.toHaveProperty('overwrite');
      expect(providerRegion(run, claim)).toBe(home);
      const deps = run.optionsOf(T.replication, 'registry-replication').dependencies;
      expect(deps.some((urn) => urn.endsWith(`${T.claim}::registry-replication-claim`))).toBe(true);
    });

    it('builds service/Dockerfile for linux/amd64 under a content-derived tag, after replication is set up', () => {
      const image = one(run, T.image);
      const repositoryUrl = `${ACCOUNT_ID}.dkr.ecr.${home}.amazonaws.com/${String(run.outputs.repositoryName)}`;
      expect(image.inputs).toMatchObject({
        // The staged copy with normalised modes (staged-context.ts), at the same relative path on every machine.
        context: { location: '.image-context' },
        dockerfile: { location: '.image-context/service/Dockerfile' },
        platforms: ['linux/amd64'],
        push: true,
      });
      // The content tag (other helpers' edits to the build context between the run and this line would change a
      // recomputed tag, so the shape is checked here and the hashing in global-build-context.test.ts).
      expect(image.inputs.tags).toEqual([expect.stringMatching(new RegExp(`^${repositoryUrl}:ctx-[0-9a-f]{16}$`))]);
      expect(image.inputs.registries).toEqual([
        { address: `${ACCOUNT_ID}.dkr.ecr.${home}.amazonaws.com`, username: 'AWS', password: 'mock-ecr-token' },
      ]);
      const deps = run.optionsOf(T.image, image.name).dependencies;
      expect(deps.some((urn) => urn.endsWith(`${T.replication}::registry-replication`))).toBe(true);
      expect(run.outputs.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('never deletes a pushed image from ECR (issue #10 item 1): the image is retained on delete', () => {
      // docker-build's Delete removes <tag>@<digest> from the registry (pulumi-docker-build image.go, #606).
      expect(run.optionsOf(T.image, 'service-image').retainOnDelete).toBe(true);
    });
  });

  describe('database', () => {
    it('creates an encrypted, protected aurora-postgresql 16+ global cluster in the primary region', () => {
      const cluster = one(run, T.globalCluster);
      expect(cluster.inputs).toMatchObject({
        engine: 'aurora-postgresql',
        storageEncrypted: true,
        deletionProtection: true,
        region: primary,
        databaseName: run.outputs.dbName,
      });
      expect(Number(String(cluster.inputs.engineVersion).split('.')[0])).toBeGreaterThanOrEqual(16);
      // No paid RDS Extended Support by default (issue #10 item 6).
      expect(cluster.inputs.engineLifecycleSupport).toBe('open-source-rds-extended-support-disabled');
      // The regions' services reach the writer through the global writer endpoint (issue #10 item 2).
      expect(run.outputs.dbWriterEndpoint).toBe(
        `${cluster.inputs.globalClusterIdentifier}.global-c0ffee.global.rds.amazonaws.com`,
      );
      expect(run.secretOutputs).toContain('dbMasterPassword');
      expect(run.optionsOf(T.globalCluster, cluster.name).protect).toBe(true);
      expect(run.outputs.globalClusterId).toBe(cluster.inputs.globalClusterIdentifier);
    });

    it('keeps the generated password a secret and replicates it to every configured region', () => {
      const secret = one(run, T.secret);
      const replicas = (secret.inputs.replicas as any[]).map((r) => r.region);
      expect(new Set([providerRegion(run, secret), ...replicas])).toEqual(new Set([home, ...regions]));
      expect(replicas).not.toContain(home);
      expect(secret.inputs.name).toBe(run.outputs.dbSecretName);
      // Stored as a Pulumi secret: encrypted in state, never printed.
      const raw = run.ofType(T.secretVersion)[0]!.inputs.secretString;
      expect(typeof raw).not.toBe('string');
      const version = one(run, T.secretVersion).inputs;
      const stored = JSON.parse(version.secretString);
      expect(stored).toEqual({
        username: run.outputs.dbUsername,
        password: expect.stringMatching(/^[A-Za-z0-9]{32,}$/),
      });
      const password = run.byName('random:index/randomPassword:RandomPassword', 'database-master').inputs;
      expect(password).toMatchObject({ special: false });
      expect(password.length).toBeGreaterThanOrEqual(32);
    });
  });

  describe('audit', () => {
    it('records every region into a private, KMS-encrypted, protected bucket', () => {
      const trail = one(run, T.trail).inputs;
      expect(trail).toMatchObject({
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
      });
      expect(trail.kmsKeyId).toMatch(/key\/audit-trail$/);
      const bucket = run.byName(T.bucket, 'audit-trail');
      expect(trail.s3BucketName).toBe(`${bucket.name}-id`);
      expect(run.optionsOf(T.bucket, bucket.name).protect).toBe(true);
      const block = run.byName(T.publicAccessBlock, bucket.name).inputs;
      expect(block).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(run.byName(T.ownership, bucket.name).inputs.rule.objectOwnership).toBe('BucketOwnerEnforced');
      const sse = run.byName(T.bucketEncryption, bucket.name).inputs.rules[0].applyServerSideEncryptionByDefault;
      expect(sse.sseAlgorithm).toBe('aws:kms');
    });

    it('lets only CloudTrail write, and only over TLS', () => {
      const policy = JSON.parse(run.byName(T.bucketPolicy, 'audit-trail').inputs.policy);
      for (const s of policy.Statement.filter((st: any) => st.Effect === 'Allow')) {
        expect(s.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
        expect(s.Condition.StringEquals['aws:SourceArn']).toMatch(/:trail\/edgecart-test-audit$/);
      }
      const deny = policy.Statement.find((st: any) => st.Effect === 'Deny');
      expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    });
  });

  it('exports the name servers to delegate the domain to (issue #10 item 4)', () => {
    expect(run.outputs.nameServers).toEqual(['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk']);
  });

  it('protects the zone', () => {
    const zone = one(run, T.zone);
    expect(zone.inputs).toMatchObject({ name: config['edgecart:domain'], forceDestroy: false });
    expect(run.optionsOf(T.zone, zone.name).protect).toBe(true);
  });

  it('makes no S3 bucket public and no invoke it has no mock for', () => {
    for (const bucket of run.ofType(T.bucket)) {
      const blocks = run.ofType(T.publicAccessBlock).filter((b) => b.inputs.bucket === `${bucket.name}-id`);
      expect(
        blocks.map((b) => b.inputs.restrictPublicBuckets),
        bucket.name,
      ).toEqual([true]);
    }
    // Every invoke reached a handler (the mocks throw otherwise); these are the data sources used.
    expect(new Set(run.invokes.map((i) => i.token))).toEqual(
      new Set([
        'aws:index/getCallerIdentity:getCallerIdentity',
        'aws:rds/getEngineVersion:getEngineVersion',
        'aws:index/getPartition:getPartition',
        'aws:cloudfront/getCachePolicy:getCachePolicy',
        'aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy',
        'aws:ecr/getAuthorizationToken:getAuthorizationToken',
      ]),
    );
  });
});

describe('global stack with a third region, an existing zone and protection off', () => {
  const regions = ['ap-south-1', 'eu-west-2', 'us-west-2'];
  let run: ProgramRun;

  beforeAll(async () => {
    run = await runProgram(
      stackConfig('global', {
        'edgecart:regions': JSON.stringify(regions),
        'edgecart:hostedZoneId': 'Z0EXISTING',
        'edgecart:protectData': 'false',
      }),
    );
  });

  it('replicates the image and the secret to the new region too', () => {
    const destinations = one(run, T.replication).inputs.replicationConfiguration.rules[0].destinations;
    expect(destinations.map((d: any) => d.region).sort()).toEqual(['eu-west-2', 'us-west-2']);
    expect((one(run, T.secret).inputs.replicas as any[]).map((r) => r.region).sort()).toEqual([
      'eu-west-2',
      'us-west-2',
    ]);
    expect(
      run
        .ofType(T.creationTemplate)
        .map((t) => t.inputs.region)
        .sort(),
    ).toEqual(['eu-west-2', 'us-west-2']);
  });

  it('keeps asset failover on the primary and the first other region', () => {
    const group = one(run, T.distribution).inputs.originGroups[0];
    expect(group.members.map((m: any) => m.originId)).toEqual(['assets-ap-south-1', 'assets-eu-west-2']);
  });

  it('adopts the existing zone instead of creating one', () => {
    expect(run.ofType(T.zone)).toHaveLength(0);
    expect(run.outputs.zoneId).toBe('Z0EXISTING');
    expect(run.byName(T.record, 'edge-alias-a').inputs.zoneId).toBe('Z0EXISTING');
  });

  it('leaves stateful resources unprotected only when asked', () => {
    expect(run.optionsOf(T.repository, 'registry-service').protect).toBe(false);
    expect(run.optionsOf(T.globalCluster, 'database-global').protect).toBe(false);
    expect(run.optionsOf(T.bucket, 'audit-trail').protect).toBe(false);
    expect(one(run, T.globalCluster).inputs.deletionProtection).toBe(false);
  });
});

describe('global stack deployed again once its image is in ECR (issue #10 item 1)', () => {
  let first: ProgramRun;
  let second: ProgramRun;

  beforeAll(async () => {
    const config = stackConfig('global');
    first = await runProgram(config, { stack: 'global' });
    // The account as the first deploy left it: the repository holds this content's tag.
    const world = {
      ecrRepositories: {
        [repositoryKey(config['aws:region']!, 'edgecart-global/service')]: [
          { imageTag: contentTag(SERVICE_BUILD), imageDigest: String(first.outputs.imageDigest) },
        ],
      },
    };
    second = await runProgram(config, { stack: 'global', world });
  });

  it('keeps the image resource in the program with the same inputs, so Pulumi neither deletes nor rebuilds it', () => {
    const [before] = first.ofType(T.image);
    const [after] = second.ofType(T.image);
    expect(after, 'the image must stay in the program on the second run').toBeDefined();
    expect(after!.name).toBe(before!.name);
    expect(after!.inputs).toEqual(before!.inputs);
    expect(second.outputs.imageDigest).toBe(first.outputs.imageDigest);
  });
});

describe('global stack whose home region runs no regional stack', () => {
  it('replicates to every configured region', async () => {
    const run = await runProgram(stackConfig('global', { 'aws:region': 'us-east-1' }));
    const destinations = one(run, T.replication).inputs.replicationConfiguration.rules[0].destinations;
    expect(destinations.map((d: any) => d.region).sort()).toEqual(['ap-south-1', 'eu-west-2']);
    expect((one(run, T.secret).inputs.replicas as any[]).map((r) => r.region).sort()).toEqual([
      'ap-south-1',
      'eu-west-2',
    ]);
  });
});
