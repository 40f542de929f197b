// Shared Pulumi mocks for the infra tests: records every resource and invoke, answers the invokes the
// program is known to make, and throws on any other so a new data source cannot slip in untested.
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, any>;
  provider?: string;
}

export interface MockRun {
  resources: RecordedResource[];
  invokes: RecordedInvoke[];
  /** Every registration (custom resources and components) with its engine URN and options. */
  registrations: Registration[];
  /** Resources of one type token, e.g. 'aws:ec2/securityGroup:SecurityGroup'. */
  ofType(type: string): RecordedResource[];
  /** The one resource with this type and logical name (throws when missing). */
  byName(type: string, name: string): RecordedResource;
}

export const ACCOUNT_ID = '123456789012';

/** Region a mocked call or resource runs in, from its provider reference when it has one. */
export function regionOf(provider: string | undefined, fallback: string): string {
  const m = provider ? /::([a-z]{2}-[a-z]+-\d)[^:]*::/.exec(provider) : null;
  return m?.[1] ?? fallback;
}

type InvokeHandler = (args: pulumi.runtime.MockCallArgs, region: string) => Record<string, any>;
type ResourceHandler = (args: pulumi.runtime.MockResourceArgs, region: string) => Record<string, any>;

/** What exists in the account when the program runs: empty for a first deploy into a fresh account. */
export interface MockWorld {
  /** ECR repositories that exist, by `<region>/<repository name>`, with the images pushed to each. */
  ecrRepositories?: Record<string, { imageTag: string; imageDigest: string }[]>;
  /** Elastic IPs allocated in each region, with their tags (none unless a test says so). */
  elasticIps?: Record<string, { allocationId: string; tags: Record<string, string> }[]>;
  /** The account's "EC2-VPC Elastic IPs" quota per region; AWS's default 5 unless a test says so. */
  elasticIpQuota?: number;
}

/**
 * A failed AWS call as the program sees it: the engine hands the provider's error back over gRPC, and the SDK
 * rethrows `new Error(err.details)` (@pulumi/pulumi runtime/invoke.js), so the message must travel in `details`.
 */
export function awsError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** The world of the current run (installMocks replaces it). */
let world: MockWorld = {};

/** `<region>/<name>`: the key of a repository in MockWorld.ecrRepositories. */
export function repositoryKey(region: string, name: string): string {
  return `${region}/${name}`;
}

/**
 * Availability Zones as DescribeAvailabilityZones lists them for a standard account (zone names are mapped per
 * account; zone IDs are the region's own). Source: AWS RAM User Guide, "Availability Zone IDs for your AWS
 * resources" and `aws ec2 describe-availability-zones` in each region. An unlisted region fails loudly.
 */
const AVAILABILITY_ZONES: Record<string, { suffixes: string[]; zoneIdPrefix: string; zoneIds: string[] }> = {
  'ap-south-1': { suffixes: ['a', 'b', 'c'], zoneIdPrefix: 'aps1', zoneIds: ['az1', 'az3', 'az2'] },
  'eu-west-2': { suffixes: ['a', 'b', 'c'], zoneIdPrefix: 'euw2', zoneIds: ['az2', 'az3', 'az1'] },
  'ap-southeast-1': { suffixes: ['a', 'b', 'c'], zoneIdPrefix: 'apse1', zoneIds: ['az1', 'az2', 'az3'] },
  'us-east-1': {
    suffixes: ['a', 'b', 'c', 'd', 'e', 'f'],
    zoneIdPrefix: 'use1',
    zoneIds: ['az6', 'az1', 'az2', 'az4', 'az3', 'az5'],
  },
};

/**
 * AWS-managed CloudFront policies by name, with their fixed IDs (CloudFront Developer Guide, "Use managed cache
 * policies" and "Use managed origin request policies"). The provider looks a name up with List*Policies and
 * fails when nothing matches, so an unknown name fails here too.
 */
export const MANAGED_CACHE_POLICIES: Record<string, string> = {
  'Managed-CachingOptimized': '658327ea-f89d-4fab-a63d-7e88639e58f6',
  'Managed-CachingDisabled': '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  'Managed-CachingOptimizedForUncompressedObjects': 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
};
export const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, string> = {
  'Managed-AllViewer': '216adef6-5c7f-47e4-b989-5492eafa07d3',
  'Managed-AllViewerExceptHostHeader': 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
  'Managed-CORS-S3Origin': '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf',
  'Managed-UserAgentRefererHeaders': 'acba4595-bd28-49b8-b9fe-13317c0390fa',
};

/**
 * Aurora PostgreSQL versions DescribeDBEngineVersions lists as `available` with global database support, per region.
 * An illustration of the shape, not a promise about AWS today: the program must not depend on which versions are
 * listed (tests pick one from here), only on a retired one not being listed.
 */
export const AURORA_POSTGRES_VERSIONS: Record<string, string[]> = Object.fromEntries(
  ['ap-south-1', 'eu-west-2', 'ap-southeast-1', 'us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'].map(
    (r) => [r, ['16.6', '16.8', '16.9', '17.4', '17.5']],
  ),
);

/** Answers of the invokes the program makes. Add an entry when the program calls a new data source. */
export const invokeHandlers: Record<string, InvokeHandler> = {
  // CI runs as the OIDC role session (docs/deploy.md); STS answers with the assumed-role ARN.
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    accountId: ACCOUNT_ID,
    arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/edgecart-deploy/GitHubActions`,
    userId: 'AROAEXAMPLEROLEID:GitHubActions',
    id: ACCOUNT_ID,
  }),
  // Answered from the provider's own configuration, no API call (provider docs, aws.getRegion).
  'aws:index/getRegion:getRegion': (_a, region) => ({
    name: region,
    region,
    id: region,
    endpoint: `ec2.${region}.amazonaws.com`,
  }),
  'aws:index/getPartition:getPartition': () => ({
    partition: 'aws',
    dnsSuffix: 'amazonaws.com',
    reverseDnsPrefix: 'com.amazonaws',
    id: 'aws',
  }),
  'aws:index/getAvailabilityZones:getAvailabilityZones': (_a, region) => {
    const zones = AVAILABILITY_ZONES[region];
    if (!zones)
      throw new Error(`mocks.ts has no Availability Zones for ${region}: add them from describe-availability-zones`);
    return {
      names: zones.suffixes.map((s) => `${region}${s}`),
      zoneIds: zones.zoneIds.map((z) => `${zones.zoneIdPrefix}-${z}`),
      groupNames: zones.suffixes.map(() => region),
      id: region,
    };
  },
  // No aws.iam.getPolicyDocument: the program writes its IAM documents itself (infra/region/iam.ts); a call would
  // fail here as unmocked rather than get an answer shaped the way AWS never answers.
  'aws:cloudfront/getCachePolicy:getCachePolicy': (args) => {
    const id = MANAGED_CACHE_POLICIES[args.inputs.name];
    if (!id) throw awsError(`no matching CloudFront Cache Policy (${args.inputs.name})`);
    return { id, name: args.inputs.name };
  },
  'aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy': (args) => {
    const id = MANAGED_ORIGIN_REQUEST_POLICIES[args.inputs.name];
    if (!id) throw awsError(`no matching CloudFront Origin Request Policy (${args.inputs.name})`);
    return { id, name: args.inputs.name };
  },
  // ListImages on a repository that does not exist fails with RepositoryNotFoundException (ECR API Reference,
  // ListImages "Errors"; the provider returns the SDK error as is). An existing repository lists what was pushed.
  // GetAuthorizationToken: a 12-hour registry credential, user AWS (ECR API Reference, GetAuthorizationToken).
  'aws:ecr/getAuthorizationToken:getAuthorizationToken': (args, region) => ({
    authorizationToken: Buffer.from('AWS:mock-ecr-token').toString('base64'),
    userName: 'AWS',
    password: 'mock-ecr-token',
    proxyEndpoint: `https://${args.inputs.registryId ?? ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`,
    expiresAt: '2026-01-01T12:00:00Z',
    id: region,
  }),
  'aws:ecr/getImages:getImages': (args, region) => {
    const images = world.ecrRepositories?.[repositoryKey(region, args.inputs.repositoryName)];
    if (!images) {
      throw awsError(
        `reading ECR Images: operation error ECR: ListImages, RepositoryNotFoundException: The repository with name '${args.inputs.repositoryName}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    return {
      imageIds: images.map((i) => ({ ...i })),
      repositoryName: args.inputs.repositoryName,
      region,
      id: args.inputs.repositoryName,
    };
  },
  // DescribeImages of a tag not pushed fails with ImageNotFoundException (ECR API Reference, DescribeImages).
  'aws:ecr/getImage:getImage': (args, region) => {
    const images = world.ecrRepositories?.[repositoryKey(region, args.inputs.repositoryName)];
    if (!images) {
      throw awsError(
        `reading ECR Image: RepositoryNotFoundException: The repository with name '${args.inputs.repositoryName}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    const found = images.find(
      (i) =>
        i.imageTag === args.inputs.imageTag || (args.inputs.imageDigest && i.imageDigest === args.inputs.imageDigest),
    );
    if (!found) {
      throw awsError(
        `reading ECR Image: ImageNotFoundException: The image with imageId {imageTag:'${args.inputs.imageTag}'} does not exist within the repository with name '${args.inputs.repositoryName}'`,
      );
    }
    return {
      ...args.inputs,
      id: found.imageDigest,
      imageDigest: found.imageDigest,
      imageTags: [found.imageTag],
      imageUri: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${args.inputs.repositoryName}@${found.imageDigest}`,
      registryId: ACCOUNT_ID,
    };
  },
  // With `version` and without `includeAll`, the provider asks for that version with status `available` and fails
  // when nothing matches (terraform-provider-aws internal/service/rds/engine_version_data_source.go).
  // Service Quotas' answer for a quota the account never changed is the AWS default (5 Elastic IPs per region).
  'aws:servicequotas/getServiceQuota:getServiceQuota': (args) => ({
    ...args.inputs,
    value: args.inputs.quotaCode === 'L-0263D0A3' ? (world.elasticIpQuota ?? 5) : 0,
  }),
  'aws:ec2/getEips:getEips': (args, region) => {
    const wanted = Object.entries((args.inputs.tags ?? {}) as Record<string, string>);
    const found = (world.elasticIps?.[region] ?? []).filter((a) => wanted.every(([k, v]) => a.tags[k] === v));
    return {
      id: region,
      allocationIds: found.map((a) => a.allocationId),
      publicIps: found.map((_, i) => `198.51.100.${i + 1}`),
    };
  },
  'aws:rds/getEngineVersion:getEngineVersion': (args, region) => {
    const region_ = args.inputs.region ?? region;
    const version = String(args.inputs.version);
    if (args.inputs.engine !== 'aurora-postgresql' || !(AURORA_POSTGRES_VERSIONS[region_] ?? []).includes(version)) {
      throw awsError('no RDS engine versions match the criteria');
    }
    return {
      id: version,
      engine: args.inputs.engine,
      version,
      versionActual: version,
      status: 'available',
      parameterGroupFamily: `aurora-postgresql${version.split('.')[0]}`,
      supportsGlobalDatabases: true,
      region: region_,
    };
  },
  // Regional stacks (infra/region). The origin-facing list is AWS-owned and exists in every region (CloudFront
  // Developer Guide, "Use the CloudFront managed prefix list"); its weight in a security group is 55 rules. The
  // ID is opaque to the program (pl-<hex> in AWS).
  'aws:ec2/getManagedPrefixList:getManagedPrefixList': (args, region) => ({
    id: `pl-cloudfront-${region}`,
    name: args.inputs.name,
    arn: `arn:aws:ec2:${region}:aws:prefix-list/pl-cloudfront-${region}`,
    addressFamily: 'IPv4',
    entries: [{ cidr: '3.172.0.0/18', description: '' }],
    maxEntries: 55,
    ownerId: 'AWS',
    version: 1,
    tags: {},
  }),
  // The public AMI parameters are plain Strings (AWS Systems Manager User Guide, "Calling AMI public parameters").
  // The ID is opaque to the program (ami-<hex> in AWS).
  'aws:ssm/getParameter:getParameter': (args, region) => {
    if (!String(args.inputs.name).startsWith('/aws/service/')) {
      throw awsError(`ParameterNotFound: ${args.inputs.name} (the account has no parameters of its own)`);
    }
    return {
      id: args.inputs.name,
      name: args.inputs.name,
      arn: `arn:aws:ssm:${region}::parameter${args.inputs.name}`,
      type: 'String',
      value: `ami-al2023-${region}`,
      insecureValue: `ami-al2023-${region}`,
      version: 1,
      withDecryption: args.inputs.withDecryption ?? true,
    };
  },
  // GetSecretValue of a secret the global stack created (the program no longer reads one; kept so that a preview
  // that does is reported by preview-permissions.test.ts rather than as an unmocked call).
  'aws:secretsmanager/getSecretVersion:getSecretVersion': (args, region) => ({
    id: `${args.inputs.secretId}|AWSCURRENT`,
    arn: `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${args.inputs.secretId}-AbCdEf`,
    secretId: args.inputs.secretId,
    secretString: JSON.stringify({ username: 'edgecart', password: 'mock-master-password' }),
    versionId: 'v1',
    versionStages: ['AWSCURRENT'],
  }),
};

/** Extra outputs of resources whose real values the program reads (ARNs, endpoints, awsx outputs). */
export const resourceHandlers: Record<string, ResourceHandler> = {
  'aws:acm/certificate:Certificate': ({ inputs }) => ({
    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
      (domainName: string) => ({
        domainName,
        resourceRecordName: `_x1.${domainName}.`,
        resourceRecordType: 'CNAME',
        resourceRecordValue: `_x2.${domainName}.acm-validations.aws.`,
      }),
    ),
  }),
  'aws:route53/record:Record': ({ inputs }) => ({ fqdn: inputs.name }),
  'aws:route53/zone:Zone': ({ name }) => ({
    zoneId: `Z${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'],
  }),
  'aws:ecr/repository:Repository': ({ inputs }, region) => ({
    registryId: ACCOUNT_ID,
    repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${inputs.name}`,
  }),
  // awsx.ecr.Image is a remote component: one resource whose output is `<repositoryUrl>@sha256:<digest>`.
  'awsx:ecr:Image': ({ inputs }) => ({
    imageUri: `${inputs.repositoryUrl}@sha256:${createHash('sha256').update(String(inputs.imageTag)).digest('hex')}`,
  }),
  // docker-build's Image (the service image, infra/global/image.ts): the digest of what was pushed, and `ref`,
  // the first tag with that digest (pulumi-docker-build provider/internal/image.go, Create).
  'docker-build:index:Image': ({ inputs }) => {
    const digest = `sha256:${createHash('sha256').update(JSON.stringify(inputs.tags)).digest('hex')}`;
    return {
      digest,
      ref: `${String(inputs.tags?.[0]).replace(/:[^:/]+$/, '')}@${digest}`,
      contextHash: 'mock-context-hash',
    };
  },
  // docker-build's Index with one source: `imagetools create` makes a carbon copy of an image index, so the tag
  // points at the source's digest; `ref` is `<tag>@<digest>` (pulumi-docker-build provider/internal/index.go, Read).
  'docker-build:index:Index': ({ inputs }) => ({
    ref: `${inputs.tag}@${String(inputs.sources?.[0]).split('@')[1]}`,
  }),
  'aws:cloudfront/distribution:Distribution': ({ name }) => ({
    domainName: `d${createHash('sha256').update(name).digest('hex').slice(0, 13)}.cloudfront.net`,
    hostedZoneId: 'Z2FDTNDATAQYW2',
  }),
  // random.RandomId: `hex` is 2 hex digits per byte (@pulumi/random RandomId docs).
  'random:index/randomId:RandomId': ({ inputs, name }) => ({
    hex: createHash('sha256')
      .update(name)
      .digest('hex')
      .slice(0, 2 * Number(inputs.byteLength ?? 8)),
  }),
  'random:index/randomPassword:RandomPassword': ({ inputs }) => ({ result: 'p'.repeat(Number(inputs.length ?? 16)) }),
  // Regional stacks (infra/region). awsx.ec2.Vpc is a remote component: its outputs come from here.
  'awsx:ec2:Vpc': ({ inputs, name }) => {
    const azs: string[] = inputs.availabilityZoneNames ?? [];
    const ids = (kind: string) => azs.map((az) => `subnet-${kind}-${az}`);
    return {
      vpcId: `vpc-${name}`,
      publicSubnetIds: ids('public'),
      privateSubnetIds: ids('private'),
      isolatedSubnetIds: ids('isolated'),
      routeTables: ['public', 'private', 'isolated'].flatMap((kind) => azs.map((az) => ({ id: `rtb-${kind}-${az}` }))),
    };
  },
  'aws:lb/loadBalancer:LoadBalancer': ({ name }, region) => ({
    dnsName: `${name}-1234567890.${region}.elb.amazonaws.com`,
    zoneId: 'ZELBMOCK',
    arnSuffix: `app/${name}/50dc6c495c0c9188`,
  }),
  'aws:lb/targetGroup:TargetGroup': ({ name }) => ({ arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067` }),
  'aws:rds/cluster:Cluster': ({ name }, region) => ({
    clusterIdentifier: name,
    endpoint: `${name}.cluster-c0ffee.${region}.rds.amazonaws.com`,
    readerEndpoint: `${name}.cluster-ro-c0ffee.${region}.rds.amazonaws.com`,
  }),
  // The global writer endpoint: `<id>.global-<hash>.global.rds.amazonaws.com` (Aurora User Guide, "Connecting to
  // Amazon Aurora Global Database"), the provider's GlobalCluster `endpoint` attribute.
  'aws:rds/globalCluster:GlobalCluster': ({ inputs }) => ({
    endpoint: `${inputs.globalClusterIdentifier}.global-c0ffee.global.rds.amazonaws.com`,
  }),
  'aws:rds/clusterInstance:ClusterInstance': ({ name }) => ({ identifier: name }),
  'aws:elasticache/replicationGroup:ReplicationGroup': ({ inputs }, region) => ({
    primaryEndpointAddress: `master.${inputs.replicationGroupId}.c0ffee.${region}.cache.amazonaws.com`,
  }),
  'aws:ec2/launchTemplate:LaunchTemplate': () => ({ latestVersion: 1 }),
  'aws:autoscaling/group:Group': ({ inputs, name }) => ({ name: inputs.name ?? name }),
  'aws:cloudwatch/metricAlarm:MetricAlarm': ({ inputs, name }) => ({ name: inputs.name ?? name }),
  'aws:kms/key:Key': ({ name }) => ({ keyId: `${name}-key-id` }),
  'aws:rds/subnetGroup:SubnetGroup': ({ inputs, name }) => ({ name: inputs.name ?? name }),
  'aws:rds/clusterParameterGroup:ClusterParameterGroup': ({ inputs, name }) => ({ name: inputs.name ?? name }),
  'aws:elasticache/subnetGroup:SubnetGroup': ({ inputs, name }) => ({ name: inputs.name ?? name }),
};

export interface MockOptions {
  /** Region of the default provider (aws:region of the stack). */
  region: string;
  /** Outputs of stacks read through pulumi.StackReference, by fully qualified stack name. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** The stack name in URNs (default `test`). */
  stack?: string;
  /** true runs the program as `pulumi preview` does (pulumi.runtime.isDryRun()). */
  dryRun?: boolean;
  /** What already exists in the account (default: a fresh account). */
  world?: MockWorld;
}

/** How a resource was registered: what the engine (and a policy pack) sees besides its inputs. */
export interface Registration {
  /** The URN the engine gives it: `urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`. */
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  provider?: string;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  /** URNs this resource depends on (dependsOn plus the resources its inputs come from). */
  dependencies: string[];
  /** URNs each input comes from. */
  propertyDependencies: Record<string, string[]>;
  /** The state the mocks answered with (inputs plus the outputs AWS would add). */
  state: Record<string, any>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

/**
 * Keeps every registration with the URN the real engine would give it. The mock monitor's own URNs keep only
 * the parent's last type (`newUrn` in @pulumi/pulumi runtime/mocks.js); the engine chains every ancestor's type
 * (pulumi/pulumi sdk/go/common/resource/urn.go, NewURN), so a moved component shows up here as it would in AWS.
 */
function recordRegistrations(stack: string, project: string, states: Map<string, Record<string, any>>) {
  const registrations: Registration[] = [];
  const engineUrn = new Map<string, string>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(
      req: RegisterRequest,
      callback: (err: unknown, res: { getUrn(): string } | undefined) => void,
    ): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (!err && res) {
        const parentUrn = req.getParent() ? (engineUrn.get(req.getParent()) ?? req.getParent()) : undefined;
        const parentType = parentUrn?.split('::')[2];
        const qualifiedType =
          parentType && parentType !== 'pulumi:pulumi:Stack' ? `${parentType}$${req.getType()}` : req.getType();
        const urn = `urn:pulumi:${stack}::${project}::${qualifiedType}::${req.getName()}`;
        engineUrn.set(res.getUrn(), urn);
        const toEngine = (u: string) => engineUrn.get(u) ?? u;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => {
          propertyDependencies[key] = value.getUrnsList().map(toEngine);
        });
        registrations.push({
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: parentUrn,
          provider: req.getProvider() || undefined,
          protect: req.getProtect() ?? false,
          retainOnDelete: req.getRetainondelete() ?? false,
          ignoreChanges: req.getIgnorechangesList(),
          deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          dependencies: req.getDependenciesList().map(toEngine),
          propertyDependencies,
          state: states.get(`${req.getType()}::${req.getName()}`) ?? {},
        });
      }
      callback(err, res);
    });
  return registrations;
}

/** Installs the mocks and returns the live record of what the program does. */
export function installMocks(options: MockOptions): MockRun {
  const resources: RecordedResource[] = [];
  const invokes: RecordedInvoke[] = [];
  const states = new Map<string, Record<string, any>>();
  const stack = options.stack ?? 'test';
  world = options.world ?? {};
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const region = regionOf(args.provider, options.region);
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        if (args.type === 'pulumi:pulumi:StackReference') {
          // A stack reading itself (region/ami.ts) before its first deploy finds no outputs.
          const own = String(args.inputs.name).endsWith(`/edgecart/${stack}`) ? {} : undefined;
          const outputs = options.stackOutputs?.[args.inputs.name] ?? own;
          if (!outputs) throw new Error(`No mocked outputs for stack reference ${args.inputs.name}`);
          return { id: args.inputs.name, state: { ...args.inputs, outputs, secretOutputNames: [] } };
        }
        const extra = resourceHandlers[args.type]?.(args, region) ?? {};
        const id = `${args.name}-id`;
        const state = {
          ...args.inputs,
          arn: `arn:aws:mock:${region}:${ACCOUNT_ID}:${args.type.split(':').pop()?.toLowerCase()}/${args.name}`,
          id,
          ...extra,
        };
        states.set(`${args.type}::${args.name}`, state);
        return { id, state };
      },
      call(args) {
        const region = regionOf(args.provider, options.region);
        invokes.push({ token: args.token, inputs: args.inputs, provider: args.provider });
        const handler = invokeHandlers[args.token];
        if (!handler) throw new Error(`Unmocked invoke ${args.token} (${JSON.stringify(args.inputs)})`);
        return handler(args, region);
      },
    },
    'edgecart',
    stack,
    options.dryRun ?? false,
  );
  const registrations = recordRegistrations(stack, 'edgecart', states);
  return {
    resources,
    invokes,
    registrations,
    ofType: (type) => resources.filter((r) => r.type === type),
    byName(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found)
        throw new Error(
          `No ${type} named ${name}; have ${resources
            .filter((r) => r.type === type)
            .map((r) => r.name)
            .join(', ')}`,
        );
      return found;
    },
  };
}
