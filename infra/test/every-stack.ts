// Runs every stack of the repository under the mocks, as `pulumi up` would in order: the stack files are read from
// the project root (Pulumi.<stack>.yaml), so a new stack file is covered without touching a test. Global stacks
// run first; a regional stack's StackReference is answered with the outputs of the global stack it names.
import { readdirSync } from 'node:fs';
import { type MockWorld, regionOf, repositoryKey } from './mocks.js';
import { type ProgramRun, REPO_ROOT, runProgram, stackConfig } from './program.js';
import { fakeStorefront } from './region-harness.js';

/** The stacks with a stack file, global ones first. */
export function stackNames(): string[] {
  const names = readdirSync(REPO_ROOT)
    .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined);
  const isGlobal = (n: string) => stackConfig(n)['edgecart:role'] === 'global';
  return [...names.filter(isGlobal), ...names.filter((n) => !isGlobal(n))];
}

export interface StackRun {
  stack: string;
  role: string;
  run: ProgramRun;
}

export interface EveryStackOptions {
  dryRun?: boolean;
  /** The account as it is before each stack runs (default: fresh), given the runs made so far. */
  world?: (stack: string, earlier: StackRun[]) => MockWorld;
  /** Outputs that answer StackReferences (default: those of the global stack run just before). */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Runs every stack once, in deploy order. */
export async function runEveryStack(options: EveryStackOptions = {}): Promise<StackRun[]> {
  const storefront = fakeStorefront();
  const runs: StackRun[] = [];
  try {
    for (const stack of stackNames()) {
      const base = stackConfig(stack);
      const role = base['edgecart:role']!;
      const config = role === 'global' ? base : stackConfig(stack, { 'edgecart:storefrontDir': storefront.dir });
      const stackOutputs: Record<string, Record<string, unknown>> = { ...options.stackOutputs };
      const globalStack = config['edgecart:globalStack'];
      if (globalStack && !stackOutputs[globalStack]) {
        const global = runs.find((r) => r.stack === globalStack.split('/').pop());
        if (!global) throw new Error(`${stack} reads ${globalStack}, which has no stack file here`);
        stackOutputs[globalStack] = global.run.outputs;
      }
      const run = await runProgram(config, {
        stack,
        dryRun: options.dryRun,
        world: options.world?.(stack, runs),
        stackOutputs,
      });
      runs.push({ stack, role, run });
    }
  } finally {
    storefront.remove();
  }
  return runs;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:<tag>]` → its parts. */
function parseImageRef(ref: string): { region: string; repository: string; tag?: string } | undefined {
  const m = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?/.exec(ref);
  return m ? { region: m[1]!, repository: m[2]!, tag: m[3] } : undefined;
}

/**
 * The account as the given runs left it, for the data sources that look at it: the ECR repositories they created,
 * the images they pushed (awsx.ecr.Image or docker-build's Image), and ECR's replication of both to the
 * destination regions of a replication configuration (ECR User Guide, "Private image replication": a replicated
 * push creates the repository in the destination region).
 */
export function worldAfter(runs: StackRun[]): MockWorld {
  const repositories: Record<string, { imageTag: string; imageDigest: string }[]> = {};
  const pushes: { region: string; repository: string; imageTag: string; imageDigest: string }[] = [];
  const replications: { home: string; prefixes: string[]; regions: string[] }[] = [];
  for (const { stack, run } of runs) {
    const home = stackConfig(stack)['aws:region']!;
    for (const r of run.registrations) {
      const region = regionOf(r.provider, home);
      const s = r.state;
      if (r.type === 'aws:ecr/repository:Repository') repositories[repositoryKey(region, s.name)] ??= [];
      if (r.type === 'awsx:ecr:Image') {
        const ref = parseImageRef(String(s.repositoryUrl));
        const digest = String(s.imageUri).split('@')[1];
        if (ref && digest)
          pushes.push({ region: ref.region, repository: ref.repository, imageTag: s.imageTag, imageDigest: digest });
      }
      if (r.type === 'docker-build:index:Image' && s.push) {
        for (const tag of s.tags ?? []) {
          const ref = parseImageRef(String(tag));
          if (ref?.tag)
            pushes.push({ region: ref.region, repository: ref.repository, imageTag: ref.tag, imageDigest: s.digest });
        }
      }
      if (r.type === 'aws:ecr/replicationConfiguration:ReplicationConfiguration') {
        for (const rule of s.replicationConfiguration?.rules ?? []) {
          replications.push({
            home: region,
            prefixes: (rule.repositoryFilters ?? []).map((f: { filter: string }) => f.filter),
            regions: (rule.destinations ?? []).map((d: { region: string }) => d.region),
          });
        }
      }
    }
  }
  for (const push of pushes) {
    const targets = [push.region];
    for (const rep of replications) {
      if (rep.home === push.region && rep.prefixes.some((p) => push.repository.startsWith(p)))
        targets.push(...rep.regions);
    }
    for (const region of targets) {
      const key = repositoryKey(region, push.repository);
      repositories[key] ??= [];
      const images = repositories[key];
      if (!images.some((i) => i.imageTag === push.imageTag))
        images.push({ imageTag: push.imageTag, imageDigest: push.imageDigest });
    }
  }
  return { ecrRepositories: repositories };
}
