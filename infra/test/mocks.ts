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

/** Answers of the invokes the program makes. Add an entry when the program calls a new data source. */
export const invokeHandlers: Record<string, InvokeHandler> = {
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`,
    userId: 'AIDAEXAMPLE',
    id: ACCOUNT_ID,
  }),
  'aws:index/getRegion:getRegion': (_a, region) => ({ name: region, region, id: region }),
  'aws:index/getPartition:getPartition': () => ({ partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' }),
  'aws:index/getAvailabilityZones:getAvailabilityZones': (_a, region) => ({
    names: ['a', 'b', 'c'].map((s) => `${region}${s}`),
    zoneIds: ['1', '2', '3'].map((s) => `${region}-az${s}`),
    id: region,
  }),
  'aws:iam/getPolicyDocument:getPolicyDocument': (args) => ({ json: JSON.stringify(args.inputs), id: 'policy' }),
  'aws:cloudfront/getCachePolicy:getCachePolicy': (args) => ({
    id: `cache-${args.inputs.name}`,
    name: args.inputs.name,
  }),
  // An empty repository: the global stack builds and pushes the service image.
  'aws:ecr/getImages:getImages': (args, region) => ({
    imageIds: [],
    repositoryName: args.inputs.repositoryName,
    region,
    id: args.inputs.repositoryName,
  }),
  'aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy': (args) => ({
    id: `origin-request-${args.inputs.name}`,
    name: args.inputs.name,
  }),
  // Regional stacks (infra/region).
  'aws:ec2/getManagedPrefixList:getManagedPrefixList': (args, region) => ({
    id: `pl-cloudfront-${region}`,
    name: args.inputs.name,
    arn: `arn:aws:ec2:${region}:aws:prefix-list/pl-cloudfront-${region}`,
    addressFamily: 'IPv4',
    entries: [],
    maxEntries: 55,
    ownerId: 'AWS',
    version: 1,
    tags: {},
  }),
  'aws:ssm/getParameter:getParameter': (args, region) => ({
    id: args.inputs.name,
    name: args.inputs.name,
    arn: `arn:aws:ssm:${region}::parameter${args.inputs.name}`,
    type: 'String',
    value: `ami-al2023-${region}`,
    version: 1,
  }),
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
  'aws:cloudfront/distribution:Distribution': ({ name }) => ({
    domainName: `d${createHash('sha256').update(name).digest('hex').slice(0, 13)}.cloudfront.net`,
    hostedZoneId: 'Z2FDTNDATAQYW2',
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
}

/** Installs the mocks and returns the live record of what the program does. */
export function installMocks(options: MockOptions): MockRun {
  const resources: RecordedResource[] = [];
  const invokes: RecordedInvoke[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const region = regionOf(args.provider, options.region);
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        if (args.type === 'pulumi:pulumi:StackReference') {
          const outputs = options.stackOutputs?.[args.inputs.name];
          if (!outputs) throw new Error(`No mocked outputs for stack reference ${args.inputs.name}`);
          return { id: args.inputs.name, state: { ...args.inputs, outputs, secretOutputNames: [] } };
        }
        const extra = resourceHandlers[args.type]?.(args, region) ?? {};
        const id = `${args.name}-id`;
        return {
          id,
          state: {
            ...args.inputs,
            arn: `arn:aws:mock:${region}:${ACCOUNT_ID}:${args.type.split(':').pop()?.toLowerCase()}/${args.name}`,
            id,
            ...extra,
          },
        };
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
    'test',
    false,
  );
  return {
    resources,
    invokes,
    ofType: (type) => resources.filter((r) => r.type === type),
    byName(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`No ${type} named ${name}; have ${resources.filter((r) => r.type === type).map((r) => r.name).join(', ')}`);
      return found;
    },
  };
}
