// Runs the real Pulumi program (infra/index.ts, exactly what `pulumi up` loads) under the shared mocks with a
// stack's config, the way the Pulumi CLI would hand it over: project defaults from Pulumi.yaml overlaid by
// Pulumi.<stack>.yaml, lists and maps as JSON strings. Returns what the program created and its resolved outputs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { PROJECT } from '../config.js';
import { installMocks, type MockOptions, type MockRun } from './mocks.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Flat config as the language host passes it: `namespace:key` → string. */
export type FlatConfig = Record<string, string>;

function configValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A fully qualified config key: keys without a namespace belong to the project. */
function qualify(key: string): string {
  return key.includes(':') ? key : `${PROJECT}:${key}`;
}

function readYaml(file: string): Record<string, unknown> {
  return (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
}

/** The config a stack would run with: Pulumi.yaml defaults, then the stack file, then `overrides`. */
export function stackConfig(stack: string, overrides: FlatConfig = {}): FlatConfig {
  const config: FlatConfig = {};
  const projectFile = path.join(REPO_ROOT, 'Pulumi.yaml');
  if (existsSync(projectFile)) {
    const declared = (readYaml(projectFile).config ?? {}) as Record<string, unknown>;
    for (const [key, spec] of Object.entries(declared)) {
      // `key: value` is a default; `key: { type, default, description }` may have one.
      const isSpec = spec !== null && typeof spec === 'object' && !Array.isArray(spec);
      const value = isSpec ? (spec as { default?: unknown }).default : spec;
      if (value !== undefined && value !== null) config[qualify(key)] = configValue(value);
    }
  }
  const stackFile = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const values = (readYaml(stackFile).config ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    // Encrypted values can't be read here; tests that need one pass it in `overrides`.
    if (value && typeof value === 'object' && 'secure' in value) continue;
    config[qualify(key)] = configValue(value);
  }
  return { ...config, ...overrides };
}

/** Resource options the mocks' newResource doesn't see, read from the registration request itself. */
export interface RecordedOptions {
  protect: boolean;
  /** URNs of the resources this one waits for (dependsOn plus those its inputs come from). */
  dependencies: string[];
  /** Kept in AWS when Pulumi deletes it (retainOnDelete). */
  retainOnDelete: boolean;
  ignoreChanges: string[];
}

export interface ProgramRun extends MockRun {
  /** The stack outputs, fully resolved. */
  outputs: Record<string, unknown>;
  /** Names of the outputs that are Pulumi secrets. */
  secretOutputs: string[];
  /** protect and dependencies of the resource with this type and logical name (throws when missing). */
  optionsOf(type: string, name: string): RecordedOptions;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
}

/** Wraps the mock monitor so each registration's protect flag and dependencies are kept. */
function recordOptions(): Map<string, RecordedOptions> {
  const recorded = new Map<string, RecordedOptions>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    recorded.set(`${req.getType()}::${req.getName()}`, {
      protect: req.getProtect() ?? false,
      dependencies: req.getDependenciesList(),
      retainOnDelete: req.getRetainondelete() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
    });
    return register(req, callback);
  };
  return recorded;
}

/** Pulumi's wire marker of a secret value inside recorded resource inputs. */
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Recorded inputs with every secret replaced by its value (the mocks see `{ <sig>: SECRET_SIG, value }`). */
export function revealSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(revealSecrets) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.some(([, v]) => v === SECRET_SIG) && 'value' in value)
      return revealSecrets((value as { value: T }).value);
    return Object.fromEntries(entries.map(([k, v]) => [k, revealSecrets(v)])) as T;
  }
  return value;
}

async function resolve(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const output = value as pulumi.Output<unknown>;
  // The Output's own promise (SDK-internal, long-stable) rejects when a resource it depends on fails to
  // register, so a broken program fails the test with its error instead of hanging until the timeout.
  const internal = output as unknown as { promise?: () => Promise<unknown> };
  const resolved = internal.promise
    ? await internal.promise()
    : await new Promise<unknown>((done) => output.apply((v) => done(v)));
  return { value: resolved, secret: await pulumi.isSecret(output) };
}

/** Waits until every resource registration the program started has reached the mocks. */
async function settle(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}

/**
 * Runs the program once with `config` (see `stackConfig`). `stackOutputs` answers StackReferences.
 * Files that call this more than once (e.g. global then a region) get a fresh record per run.
 */
export async function runProgram(
  config: FlatConfig,
  options: Omit<MockOptions, 'region'> & { region?: string } = {},
): Promise<ProgramRun> {
  pulumi.runtime.setAllConfig(config);
  const region = options.region ?? config['aws:region'];
  if (!region) throw new Error('runProgram needs aws:region in the stack config or options.region');
  const run = installMocks({ ...options, region });
  const recorded = recordOptions();
  const { default: main } = await import('../index.js');
  const exported = await main();
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(exported)) {
    const { value: resolved, secret } = await resolve(value);
    outputs[name] = resolved;
    if (secret) secretOutputs.push(name);
  }
  await settle();
  const optionsOf = (type: string, name: string): RecordedOptions => {
    const found = recorded.get(`${type}::${name}`);
    if (!found) throw new Error(`No registration of ${type} named ${name}`);
    return found;
  };
  return { ...run, outputs, secretOutputs, optionsOf };
}
