// A regional stack with a wrong config value stops before it creates anything, with a message that names the
// key; and Pulumi.yaml declares every key the program reads, with the same defaults as infra/config.ts.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ConfigSource, LOG_RETENTION_DAYS, loadConfig } from '../config.js';
import { REPO_ROOT, runProgram } from './program.js';
import type { MockWorld } from './mocks.js';
import {
  fakeStorefront,
  PRIMARY,
  regionConfig,
  runRegion,
  SECONDARY,
  THIRD,
  worldWithImage,
} from './region-harness.js';

const storefront = fakeStorefront();
afterAll(() => storefront.remove());
const sf = { 'edgecart:storefrontDir': storefront.dir };

describe('a bad regional config value fails with a message naming the key', () => {
  it.each([
    ['edgecart:natGateways', 'two', /edgecart:natGateways: got "two", allowed values are "perAz", "single"/],
    ['edgecart:availabilityZones', '7', /edgecart:availabilityZones: got "7", expected an integer from 2 to 6/],
    ['edgecart:vpcCidr', '10.20.0.0/24', /edgecart:vpcCidr: got "10.20.0.0\/24", expected an IPv4 \/16/],
    ['edgecart:instanceType', 'big', /edgecart:instanceType: got "big"/],
    ['edgecart:minSize', '12', /edgecart:minSize: is 12, above maxSize 10/],
    ['edgecart:dbReaders', '0', /edgecart:dbReaders: got "0", expected an integer from 1 to 15/],
    ['edgecart:interfaceEndpoints', 'yes', /edgecart:interfaceEndpoints: got "yes", allowed values are true, false/],
    ['edgecart:globalStack', '', /edgecart:globalStack: is required but not set/],
    ['edgecart:role', 'tertiary', /edgecart:role: got "tertiary", allowed values are "global", "primary", "secondary"/],
    ['aws:region', 'London', /edgecart:region: got "London", expected an AWS region name/],
    // CloudWatch Logs takes only its listed retention periods (PutRetentionPolicy); 45 would fail at create.
    [
      'edgecart:logRetentionDays',
      '45',
      /edgecart:logRetentionDays: got "45", allowed values are 1, 3, 5, 7, 14, 30, 60/,
    ],
  ])('%s = %j', async (key, value, message) => {
    await expect(runRegion(regionConfig('london', { ...sf, [key]: value }))).rejects.toThrow(message);
  });

  it('checks the stack against the global stack: role, region and domain', async () => {
    await expect(runRegion(regionConfig('london', { ...sf, 'edgecart:role': 'primary' }))).rejects.toThrow(
      /edgecart:role: got "primary" but the global stack's primaryRegion is ap-south-1, so eu-west-2 must be "secondary"/,
    );
    await expect(runRegion(regionConfig('london', sf), [PRIMARY, THIRD])).rejects.toThrow(
      /edgecart:globalStack: .* does not list eu-west-2 in its regions/,
    );
    await expect(runRegion(regionConfig('london', { ...sf, 'edgecart:domain': 'other.example.com' }))).rejects.toThrow(
      /edgecart:domain: got "other.example.com" but the global stack serves "shop.example.com"/,
    );
  });

  it('asks for no more AZs than the region has', async () => {
    await expect(runRegion(regionConfig('london', { ...sf, 'edgecart:availabilityZones': '4' }))).rejects.toThrow(
      /edgecart:availabilityZones: is 4 but eu-west-2 has only 3/,
    );
  });

  // Issue #20 item 7: perAz NAT takes one Elastic IP per AZ out of 5 per region by default; the sixth allocation
  // fails midway through the first `up`. The preview counts the quota and what other resources hold.
  describe('Elastic IPs for the NAT gateways', () => {
    const taken = (n: number, tags: Record<string, string> = { Owner: 'someone else' }) =>
      Array.from({ length: n }, (_, i) => ({ allocationId: `eipalloc-${i}`, tags }));
    const withEips = (elasticIps: ReturnType<typeof taken>, elasticIpQuota?: number): MockWorld => ({
      ...worldWithImage(),
      elasticIps: { [SECONDARY]: elasticIps },
      ...(elasticIpQuota ? { elasticIpQuota } : {}),
    });

    it('stops at preview when perAz needs more than the free addresses, saying what to change', async () => {
      await expect(runRegion(regionConfig('london', sf), undefined, withEips(taken(3)))).rejects.toThrow(
        /edgecart:natGateways: perAz with 3 AZs needs 3 Elastic IPs in eu-west-2, and 2 of the account's 5 are free \(3 held by other resources\); set natGateways: single/,
      );
    });

    it('counts the stack’s own addresses as its own (a re-run), and single NAT as one address', async () => {
      const own = taken(3, { Project: 'edgecart', Stack: 'london' });
      await expect(
        runRegion(regionConfig('london', sf), undefined, withEips([...own, ...taken(2)])),
      ).resolves.toBeDefined();
      await expect(
        runRegion(regionConfig('london', { ...sf, 'edgecart:natGateways': 'single' }), undefined, withEips(taken(4))),
      ).resolves.toBeDefined();
    });

    it('takes a raised quota into account', async () => {
      await expect(runRegion(regionConfig('london', sf), undefined, withEips(taken(3), 10))).resolves.toBeDefined();
    });
  });

  it('needs a storefront build', async () => {
    await expect(runRegion(regionConfig('london', { 'edgecart:storefrontDir': '/nonexistent/dist' }))).rejects.toThrow(
      /edgecart:storefrontDir: \/nonexistent\/dist has no index.html/,
    );
  });

  it('accepts every retention period CloudWatch Logs offers', () => {
    const aws = { get: (k: string) => (k === 'region' ? 'eu-west-2' : undefined) };
    const values: Record<string, string> = {
      role: 'secondary',
      domain: 'shop.example.com',
      globalStack: 'o/edgecart/global',
    };
    for (const days of LOG_RETENTION_DAYS) {
      const config = loadConfig({ get: (k) => (k === 'logRetentionDays' ? String(days) : values[k]) }, aws, 'london');
      expect(config).toMatchObject({ logRetentionDays: days });
    }
  });

  // S3, ECR and ElastiCache names are made from the stack name; each refuses upper case, `_` or `.` at create.
  it.each(['London', 'eu_west_2', 'shop.staging', '2nd', 'double--hyphen', 'trailing-'])(
    'stops at preview on the stack name %j, saying what to rename it to',
    async (stack) => {
      await expect(runProgram(regionConfig('london', sf), { stack })).rejects.toThrow(
        new RegExp(
          `Invalid stack name "${stack.replace('.', '\\.')}": .*lower-case letters and digits.*pulumi stack rename`,
        ),
      );
    },
  );

  it('accepts the committed stack files as they are', async () => {
    const run = await runRegion(regionConfig('london', sf));
    expect(run.outputs.region).toBe(SECONDARY);
  });
});

describe('Pulumi.yaml', () => {
  const project = parse(readFileSync(`${REPO_ROOT}/Pulumi.yaml`, 'utf8')) as {
    name: string;
    main: string;
    runtime: { name: string; options: Record<string, unknown> };
    config: Record<string, { type: string; description?: string; default?: unknown; secret?: boolean }>;
  };

  /** Every key infra/config.ts reads for a stack, recorded from the reads themselves. */
  function keysRead(values: Record<string, string>): Set<string> {
    const read = new Set<string>();
    const source: ConfigSource = {
      get: (key) => {
        read.add(key);
        return values[key];
      },
    };
    loadConfig(source, { get: (k) => (k === 'region' ? 'eu-west-2' : undefined) }, 'test');
    return read;
  }
  const regional = { role: 'secondary', domain: 'shop.example.com', globalStack: 'organization/edgecart/global' };
  const global = { role: 'global', domain: 'shop.example.com', regions: '["ap-south-1","eu-west-2"]' };

  it('runs infra/index.ts under tsx as the edgecart project', () => {
    expect(project.name).toBe('edgecart');
    expect(project.main).toBe('infra/index.ts');
    expect(project.runtime.name).toBe('nodejs');
    expect(project.runtime.options).toMatchObject({ typescript: false, nodeargs: '--import=tsx' });
  });

  it('declares every key the program reads, each typed and described', () => {
    const read = new Set([...keysRead(regional), ...keysRead(global)]);
    expect([...read].sort()).toEqual(Object.keys(project.config).sort());
    for (const [key, spec] of Object.entries(project.config)) {
      expect(['string', 'integer', 'boolean', 'array'], key).toContain(spec.type);
      expect(spec.description, key).toBeTruthy();
    }
  });

  it('gives every key but role and domain a default, so no stack is asked for the other role’s keys', () => {
    const required = Object.entries(project.config)
      .filter(([, spec]) => spec.default === undefined)
      .map(([key]) => key);
    expect(required.sort()).toEqual(['domain', 'role']);
  });

  it('has the same defaults as infra/config.ts', () => {
    const defaults = Object.fromEntries(
      Object.entries(project.config)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([key, spec]) => [key, typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default)]),
    );
    const aws = { get: (k: string) => (k === 'region' ? 'eu-west-2' : undefined) };
    const load = (values: Record<string, string>) => loadConfig({ get: (k) => values[k] }, aws, 'test');
    expect(load({ ...defaults, ...regional })).toEqual(load(regional));
    expect(load({ ...defaults, ...global })).toEqual(load(global));
  });
});
