// Runs the real program (infra/index.ts) as a regional stack under the shared mocks.
//
// How config reaches the program: exactly as the Pulumi CLI hands it over. `stackConfig` (program.ts) overlays
// the defaults declared in Pulumi.yaml with Pulumi.<stack>.yaml, flattening lists and maps to JSON strings, and
// `runProgram` puts the result in place with pulumi.runtime.setAllConfig before it imports and calls the
// program's default export. (setAllConfig is what the language host does with PULUMI_CONFIG; the env variable
// alone would not work here because the SDK reads it once, when it is first loaded.) Each run installs fresh
// mocks, so one test file can run several stacks one after another and compare them.
//
// The global stack is answered by a fixture with every output named in infra/contract.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetsBucketName, GLOBAL_OUTPUT_NAMES, type GlobalOutputs } from '../contract.js';
import { ACCOUNT_ID, type MockWorld, type RecordedResource, repositoryKey } from './mocks.js';
import { type FlatConfig, type ProgramRun, runProgram, stackConfig } from './program.js';

export const GLOBAL_STACK = 'organization/edgecart/global';
export const DOMAIN = 'shop.example.com';
export const PRIMARY = 'ap-south-1';
export const SECONDARY = 'eu-west-2';
/** The made-up third region of the tests: a copy of london's stack file with its own region and CIDR. */
export const THIRD = 'ap-southeast-1';
/** Namespace of the global stack (`edgecart-<stack>`), which prefixes the assets buckets. */
export const GLOBAL_NAMESPACE = 'edgecart-global';
/** The global writer endpoint of the fixture's global database. */
export const GLOBAL_WRITER_ENDPOINT = 'edgecart-global-db.global-c0ffee.global.rds.amazonaws.com';
/** The assets bucket of a region, as the global stack names it. */
export const bucketOf = (region: string) => assetsBucketName(GLOBAL_NAMESPACE, ACCOUNT_ID, region);

/** What the global stack would export for these regions (the first is the primary). */
export function globalOutputs(regions: string[] = [PRIMARY, SECONDARY, THIRD]): GlobalOutputs {
  const outputs: GlobalOutputs = {
    zoneId: 'Z0SHOPEXAMPLE',
    nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'],
    domain: DOMAIN,
    repositoryName: 'edgecart-global/service',
    imageDigest: `sha256:${'ab'.repeat(32)}`,
    globalClusterId: 'edgecart-global',
    dbWriterEndpoint: GLOBAL_WRITER_ENDPOINT,
    dbEngineVersion: '16.6',
    dbName: 'edgecart',
    dbUsername: 'edgecart',
    dbSecretName: 'edgecart-global/database/master',
    dbMasterPassword: 'mock-master-password',
    originVerifyHeaderName: 'x-origin-verify',
    originVerifyHeaderValue: 'origin-secret-value',
    distributionArn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/E2MOCK`,
    assetsBaseUrl: `https://${DOMAIN}/assets`,
    assetsBucketNames: Object.fromEntries(regions.map((r) => [r, bucketOf(r)])),
    regions,
    primaryRegion: regions[0]!,
  };
  // The fixture must keep up with the contract.
  const missing = GLOBAL_OUTPUT_NAMES.filter((n) => !(n in outputs));
  if (missing.length) throw new Error(`globalOutputs fixture lacks ${missing.join(', ')}`);
  return outputs;
}

/** A throwaway storefront build, so the tests do not depend on web/dist having been built. */
export function fakeStorefront(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'edgecart-region-dist-'));
  const files: Record<string, string> = {
    'index.html': '<!doctype html><div id="app"></div>',
    'assets/index-AbCd1234.js': 'console.log(1)',
    '.vite/manifest.json': JSON.stringify({ 'index.html': { file: 'assets/index-AbCd1234.js', isEntry: true } }),
  };
  for (const [key, body] of Object.entries(files)) {
    mkdirSync(join(dir, key, '..'), { recursive: true });
    writeFileSync(join(dir, key), body);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Config of a committed stack file, plus test-only overrides (e.g. storefrontDir). */
export function regionConfig(stack: 'mumbai' | 'london', overrides: FlatConfig = {}): FlatConfig {
  return stackConfig(stack, overrides);
}

/** The made-up third region: what an operator writes to add a region (london's file, new region and CIDR). */
export function thirdRegionConfig(overrides: FlatConfig = {}): FlatConfig {
  return stackConfig('london', { 'aws:region': THIRD, 'edgecart:vpcCidr': '10.40.0.0/16', ...overrides });
}

/** The stack names of the test runs: the stack files' names, and `singapore` for the made-up third region. */
export const STACK_OF: Record<string, string> = { [PRIMARY]: 'mumbai', [SECONDARY]: 'london', [THIRD]: 'singapore' };

/** ECR as the global stack leaves it for the fixture: the image in every region's repository. */
export function worldWithImage(outputs: GlobalOutputs = globalOutputs()): MockWorld {
  const image = { imageTag: 'ctx-0123456789abcdef', imageDigest: outputs.imageDigest };
  return {
    ecrRepositories: Object.fromEntries(
      outputs.regions.map((r) => [repositoryKey(r, outputs.repositoryName), [image]]),
    ),
  };
}

export async function runRegion(config: FlatConfig, regions?: string[], world?: MockWorld): Promise<ProgramRun> {
  const stack = STACK_OF[config['aws:region']!] ?? 'test';
  const outputs = globalOutputs(regions);
  return runProgram(config, {
    stack,
    stackOutputs: { [GLOBAL_STACK]: { ...outputs } },
    world: world ?? worldWithImage(outputs),
  });
}

/** A value with the stack-scoped AWS names of a stack (`edgecart-<stack>`) made stack-neutral. */
export function withoutStack(text: string, region: string): string {
  return text.split(`edgecart-${STACK_OF[region] ?? 'test'}`).join('edgecart-<stack>');
}

/** A resource's logical name with the stack's region taken out, so regions can be compared. */
export function withoutRegion(name: string, region: string): string {
  return name.split(region).join('<region>');
}

/** The resource graph of a run as sorted `type name` lines, region-neutral. */
export function graph(run: ProgramRun, region: string): string[] {
  return run.resources.map((r: RecordedResource) => `${r.type} ${withoutRegion(r.name, region)}`).sort();
}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Whether a recorded input is a Pulumi secret (the mocks see secrets as signature-tagged objects). */
export function isSecretInput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && SECRET_SIG in value;
}

/** Whether a recorded input is or contains a Pulumi secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecretInput(value)) return true;
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** A recorded input with every secret wrapper replaced by its value. */
export function unsecret<T = any>(value: unknown): T {
  if (isSecretInput(value)) return unsecret((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map((v) => unsecret(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)])) as T;
  }
  return value as T;
}

/** The JSON policy document in a resource input (role policies, bucket and key policies). */
export function policyOf(resource: RecordedResource, input = 'policy'): { Statement: Record<string, any>[] } {
  const raw = resource.inputs[input];
  if (typeof raw !== 'string') throw new Error(`${resource.name} has no ${input} document`);
  return JSON.parse(raw);
}
