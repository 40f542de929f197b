// The one place the Pulumi program reads stack config. Every key is validated here, and a wrong value
// stops `pulumi preview`/`up` with a message that names the key and what it accepts.
import * as pulumi from '@pulumi/pulumi';
import { hasLocalWriteForwarding } from './write-forwarding-versions.js';

export const PROJECT = 'edgecart';

export type Role = 'global' | 'primary' | 'secondary';
export type NatMode = 'perAz' | 'single';

export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid stack config ${PROJECT}:${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Settings every stack has. */
interface CommonConfig {
  project: string;
  stack: string;
  role: Role;
  /** The shop's domain, e.g. shop.example.com; the API origin is origin.<domain>. */
  domain: string;
  /** Where CloudWatch alarms are sent (an SNS e-mail subscription); none when empty. */
  alertEmail?: string;
  /** Tags put on every resource through the providers' defaultTags. */
  tags: Record<string, string>;
}

export interface GlobalConfig extends CommonConfig {
  role: 'global';
  /** Home region of the global stack (aws:region): the ECR source registry and the database secret live here. */
  region: string;
  /** Every region that runs a regional stack: ECR and the database secret are replicated to each. */
  regions: string[];
  /** The region whose stack has role primary (Aurora writer, source of asset replication). */
  primaryRegion: string;
  /** Use an existing Route 53 hosted zone instead of creating one. */
  hostedZoneId?: string;
  /** WAF rate-based rule: requests per IP per 5 minutes before blocking. */
  wafRateLimit: number;
  /** CloudFront price class (PriceClass_All reaches India and the UK edges best). */
  priceClass: 'PriceClass_All' | 'PriceClass_200' | 'PriceClass_100';
  /** Aurora PostgreSQL engine version of the global cluster (16 or later). */
  dbEngineVersion: string;
  /** Days CloudTrail logs are kept. */
  trailRetentionDays: number;
  /** Protect the zone, repository, global cluster and buckets (false only for throwaway stacks). */
  protectData: boolean;
}

export interface RegionalConfig extends CommonConfig {
  role: 'primary' | 'secondary';
  /** The AWS region of this stack (aws:region). */
  region: string;
  /** Fully qualified name of the global stack, e.g. acme/edgecart/global. */
  globalStack: string;
  vpcCidr: string;
  availabilityZones: number;
  natGateways: NatMode;
  /** Interface endpoints for ECR, SSM, Logs and Secrets Manager (keeps that traffic off the NAT). */
  interfaceEndpoints: boolean;
  instanceType: string;
  minSize: number;
  desiredCapacity: number;
  maxSize: number;
  /** Target average CPU of the Auto Scaling Group, percent. */
  cpuTarget: number;
  /** Target ALB requests per instance (per minute) for the second tracking policy. */
  requestsPerTarget: number;
  appPort: number;
  /**
   * The service's internal listener (INTERNAL_PORT: /health, /ready, /metrics, /docs): the ALB health-checks it,
   * Prometheus scrapers reach it, the ALB's listener never forwards to it (issue #23).
   */
  internalPort: number;
  redisNodeType: string;
  /** Read replicas per Redis shard (≥ 1, each in another AZ). */
  redisReplicas: number;
  dbInstanceClass: string;
  /** Aurora reader instances in this region (the primary also has a writer). */
  dbReaders: number;
  backupRetentionDays: number;
  logRetentionDays: number;
  /** An AMI ID the service instances boot, pinned; unset: the AMI moves with releases (region/ami.ts). */
  amiId?: string;
  cacheTtlSeconds: number;
  /** Requests per IP per minute at the service (0 turns it off). */
  rateLimitMax: number;
  /** Protect stateful resources and turn on deletion protection (false only for throwaway stacks). */
  protectData: boolean;
  /** The built storefront (Vite output) uploaded to this region's assets bucket; web/dist when unset. */
  storefrontDir?: string;
}

export type StackConfig = GlobalConfig | RegionalConfig;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CIDR16 = /^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/;
/**
 * The stack name goes into resource names (`edgecart-<stack>-…`): S3 bucket names take only lower-case letters,
 * digits, hyphens and dots (S3 User Guide, "General purpose bucket naming rules"), an ElastiCache replication group
 * ID must begin with a letter, has no two consecutive hyphens and does not end with one (ElastiCache API Reference,
 * CreateReplicationGroup, ReplicationGroupId), ECR repository names are lower case. Dots would break the buckets'
 * virtual-hosted TLS names. So: lower-case letters and digits, single hyphens between them, starting with a letter.
 */
const STACK_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The retention periods CloudWatch Logs accepts (CloudWatch Logs API Reference, PutRetentionPolicy, retentionInDays);
 * any other number fails at create, after the rest of the region was built.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export class StackNameError extends Error {
  constructor(stack: string) {
    super(
      `Invalid stack name "${stack}": it goes into S3, ECR and ElastiCache names, so use lower-case letters and digits with single hyphens between them, starting with a letter (e.g. "london" or "eu-west-2"); rename it with \`pulumi stack rename\``,
    );
    this.name = 'StackNameError';
  }
}

/** Reads config through a pulumi.Config-like getter so tests can feed plain objects. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

class Reader {
  constructor(private readonly src: ConfigSource) {}

  string(key: string, fallback?: string): string {
    const v = this.src.get(key);
    if (v === undefined || v === '') {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(key, 'is required but not set');
    }
    return v;
  }

  optional(key: string): string | undefined {
    const v = this.src.get(key);
    return v === undefined || v === '' ? undefined : v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(key, `got "${v}", allowed values are ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
    return v as T;
  }

  intOneOf(key: string, allowed: readonly number[], fallback: number): number {
    const raw = this.src.get(key);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!allowed.includes(n)) throw new ConfigError(key, `got "${raw}", allowed values are ${allowed.join(', ')}`);
    return n;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.src.get(key);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(key, `got "${raw}", expected an integer from ${min} to ${max}`);
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.src.get(key);
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new ConfigError(key, `got "${raw}", allowed values are true, false`);
  }

  matching(key: string, re: RegExp, what: string, fallback?: string): string {
    const v = this.string(key, fallback);
    if (!re.test(v)) throw new ConfigError(key, `got "${v}", expected ${what}`);
    return v;
  }

  /** A YAML list in the stack file arrives as a JSON string through pulumi.Config.get. */
  stringList(key: string): string[] {
    const raw = this.string(key);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(key, `got "${raw}", expected a list such as [ap-south-1, eu-west-2]`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'string')) {
      throw new ConfigError(key, 'expected a non-empty list of strings');
    }
    return parsed as string[];
  }

  tags(key: string): Record<string, string> {
    const raw = this.optional(key);
    if (!raw) return {};
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (
        parsed &&
        typeof parsed === 'object' &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every((v) => typeof v === 'string')
      ) {
        return parsed as Record<string, string>;
      }
    } catch {
      /* reported below */
    }
    throw new ConfigError(key, 'expected a map of string tags');
  }
}

/**
 * Builds the validated config of one stack. `config` reads `edgecart:*` keys and `aws` reads `aws:*` keys.
 */
export function loadConfig(config: ConfigSource, aws: ConfigSource, stack: string): StackConfig {
  if (!STACK_NAME.test(stack)) throw new StackNameError(stack);
  const r = new Reader(config);
  const role = r.oneOf<Role>('role', ['global', 'primary', 'secondary']);
  const common = {
    project: PROJECT,
    stack,
    domain: r.matching('domain', DOMAIN, 'a lower-case DNS name such as shop.example.com'),
    alertEmail: r.optional('alertEmail'),
    tags: { Project: PROJECT, Stack: stack, ManagedBy: 'pulumi', ...r.tags('tags') },
  };
  if (common.alertEmail !== undefined && !EMAIL.test(common.alertEmail)) {
    throw new ConfigError('alertEmail', `got "${common.alertEmail}", expected an e-mail address`);
  }

  if (role === 'global') {
    const regions = r.stringList('regions');
    for (const reg of regions) {
      if (!REGION.test(reg)) throw new ConfigError('regions', `"${reg}" is not an AWS region name such as ap-south-1`);
    }
    if (new Set(regions).size !== regions.length) throw new ConfigError('regions', 'lists a region twice');
    const primaryRegion = r.string('primaryRegion', regions[0]);
    if (!regions.includes(primaryRegion)) {
      throw new ConfigError(
        'primaryRegion',
        `got "${primaryRegion}", allowed values are the listed regions: ${regions.join(', ')}`,
      );
    }
    const dbEngineVersion = r.matching(
      'dbEngineVersion',
      /^(1[6-9]|[2-9]\d)\.\d+$/,
      'an aurora-postgresql version 16.4 or later, such as 16.6',
      '16.6',
    );
    // Local write forwarding, which the primary region's instances write through, is in 16.4 and later.
    if (!hasLocalWriteForwarding(dbEngineVersion)) {
      throw new ConfigError(
        'dbEngineVersion',
        `got "${dbEngineVersion}": local write forwarding, which every region's writes rely on while its cluster is the primary, needs 16.4 or later`,
      );
    }
    return {
      ...common,
      role,
      region: new Reader(aws).matching('region', REGION, 'an AWS region name such as ap-south-1 (aws:region)'),
      regions,
      primaryRegion,
      hostedZoneId: r.optional('hostedZoneId'),
      wafRateLimit: r.int('wafRateLimit', 2000, 100, 2_000_000_000),
      priceClass: r.oneOf('priceClass', ['PriceClass_All', 'PriceClass_200', 'PriceClass_100'], 'PriceClass_All'),
      dbEngineVersion,
      trailRetentionDays: r.int('trailRetentionDays', 365, 1, 3653),
      protectData: r.bool('protectData', true),
    };
  }

  const region = new Reader(aws).matching('region', REGION, 'an AWS region name such as ap-south-1 (aws:region)');
  const vpcCidr = r.matching('vpcCidr', CIDR16, 'an IPv4 /16 such as 10.20.0.0/16', '10.20.0.0/16');
  const octets = CIDR16.exec(vpcCidr)!.slice(1, 3).map(Number);
  if (octets.some((o) => o > 255)) throw new ConfigError('vpcCidr', `got "${vpcCidr}", octets must be at most 255`);
  const minSize = r.int('minSize', 2, 1, 100);
  const maxSize = r.int('maxSize', 10, 1, 500);
  const desiredCapacity = r.int('desiredCapacity', minSize, 1, 500);
  if (minSize > maxSize) throw new ConfigError('minSize', `is ${minSize}, above maxSize ${maxSize}`);
  if (desiredCapacity < minSize || desiredCapacity > maxSize) {
    throw new ConfigError(
      'desiredCapacity',
      `is ${desiredCapacity}, expected from minSize ${minSize} to maxSize ${maxSize}`,
    );
  }
  const appPort = r.int('appPort', 3000, 1024, 65535);
  const internalPort = r.int('internalPort', 9100, 1024, 65535);
  if (internalPort === appPort) throw new ConfigError('internalPort', `is ${internalPort}, the same as appPort`);
  return {
    ...common,
    role,
    region,
    globalStack: r.matching(
      'globalStack',
      /^[\w.-]+\/[\w.-]+\/[\w.-]+$/,
      'a fully qualified stack name such as acme/edgecart/global',
    ),
    vpcCidr,
    availabilityZones: r.int('availabilityZones', 3, 2, 6),
    natGateways: r.oneOf<NatMode>('natGateways', ['perAz', 'single'], 'perAz'),
    interfaceEndpoints: r.bool('interfaceEndpoints', true),
    instanceType: r.matching(
      'instanceType',
      /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
      'an EC2 instance type such as t3.small',
      't3.small',
    ),
    minSize,
    desiredCapacity,
    maxSize,
    cpuTarget: r.int('cpuTarget', 50, 10, 90),
    requestsPerTarget: r.int('requestsPerTarget', 1000, 10, 1_000_000),
    appPort,
    internalPort,
    redisNodeType: r.matching(
      'redisNodeType',
      /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
      'an ElastiCache node type such as cache.t4g.small',
      'cache.t4g.small',
    ),
    redisReplicas: r.int('redisReplicas', 1, 1, 5),
    dbInstanceClass: r.matching(
      'dbInstanceClass',
      /^db\.[a-z0-9]+\.[a-z0-9]+$/,
      'an Aurora instance class such as db.r6g.large',
      'db.r6g.large',
    ),
    dbReaders: r.int('dbReaders', 1, role === 'secondary' ? 1 : 0, 15),
    backupRetentionDays: r.int('backupRetentionDays', 7, 7, 35),
    logRetentionDays: r.intOneOf('logRetentionDays', LOG_RETENTION_DAYS, 30),
    amiId:
      r.optional('amiId') && r.matching('amiId', /^ami-[0-9a-f]{8,17}$/, 'an AMI ID such as ami-0123456789abcdef0'),
    cacheTtlSeconds: r.int('cacheTtlSeconds', 60, 1, 86_400),
    rateLimitMax: r.int('rateLimitMax', 600, 0, 1_000_000),
    protectData: r.bool('protectData', true),
    storefrontDir: r.optional('storefrontDir'),
  };
}

/** The config of the stack being deployed. */
export function stackConfig(): StackConfig {
  return loadConfig(new pulumi.Config(PROJECT), new pulumi.Config('aws'), pulumi.getStack());
}
