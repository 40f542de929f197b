// Runs every stack of the repository under the mocks, as `pulumi up` would in order: the stack files are read from
// the project root (Pulumi.<stack>.yaml), so a new stack file is covered without touching a test. Global stacks
// run first; a regional stack's StackReference is answered with the outputs of the global stack it names.
import { readdirSync } from 'node:fs';
import { type MockWorld, type Registration, regionOf, repositoryKey } from './mocks.js';
import { type ProgramRun, REPO_ROOT, revealSecrets, runProgram, stackConfig } from './program.js';
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
        // By default each stack finds the account as the stacks before it left it (a regional stack reads its image).
        world: options.world ? options.world(stack, runs) : worldAfter(runs),
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

/** An image pushed to a repository: by tag, with the digest the registry stores it under. */
export interface Push {
  region: string;
  repository: string;
  imageTag: string;
  imageDigest: string;
}

const PUSHING_TYPES = ['awsx:ecr:Image', 'docker-build:index:Image', 'docker-build:index:Index'];

/** Inputs as a provider's Diff compares them (docker-build ignores the registry password: a new token is no change). */
function diffInputs(r: Registration): string {
  const { registries, registry, ...rest } = revealSecrets(r.state) as Record<string, any>;
  const noPassword = (x: Record<string, any> | undefined) => x && { ...x, password: undefined };
  return JSON.stringify({ rest, registries: (registries ?? []).map(noPassword), registry: noPassword(registry) });
}

/**
 * What a run pushes to ECR: every image resource that `pulumi up` creates or updates, i.e. that is new or whose
 * inputs changed since `previous` (the same stack's last run). An image resource with no diff pushes nothing
 * (docker-build `Image.Diff`/`Index.Diff`; `Create` and `Update` are the only calls that push).
 */
export function pushesOf(run: ProgramRun, previous?: ProgramRun): Push[] {
  const pushes: Push[] = [];
  for (const r of run.registrations.filter((x) => PUSHING_TYPES.includes(x.type))) {
    const before = previous?.registrations.find((p) => p.urn === r.urn);
    if (before && diffInputs(before) === diffInputs(r)) continue;
    const s = r.state;
    if (r.type === 'awsx:ecr:Image') {
      const ref = parseImageRef(String(s.repositoryUrl));
      const digest = String(s.imageUri).split('@')[1];
      if (ref && digest)
        pushes.push({ region: ref.region, repository: ref.repository, imageTag: s.imageTag, imageDigest: digest });
    }
    if (r.type === 'docker-build:index:Image' && s.push) {
      for (const tag of s.tags ?? []) {
        const ref = parseImageRef(String(tag));
        if (ref?.tag) pushes.push({ ...ref, imageTag: ref.tag, imageDigest: s.digest });
      }
    }
    // An index of one source is a carbon copy: the same digest under the new tag (buildx imagetools create).
    if (r.type === 'docker-build:index:Index' && s.push !== false) {
      const ref = parseImageRef(String(s.tag));
      const digest = String(s.ref).split('@')[1];
      if (ref?.tag && digest) pushes.push({ ...ref, imageTag: ref.tag, imageDigest: digest });
    }
  }
  return pushes;
}

function clone(world: MockWorld): MockWorld {
  return {
    ecrRepositories: Object.fromEntries(
      Object.entries(world.ecrRepositories ?? {}).map(([k, images]) => [k, images.map((i) => ({ ...i }))]),
    ),
  };
}

/**
 * The account after `run` (a `pulumi up` of stack `stack`; `previous` is that stack's last run, if any): the ECR
 * repositories it created and the images it pushed, each replicated to the destinations of the replication rules
 * in force at the time, the run's own (every push waits for them). ECR replicates only images pushed after a rule
 * exists (ECR User Guide, "Private image replication"), so an image pushed before a region became a destination
 * never reaches it unless something pushes it again; a replicated push creates the destination repository.
 */
export function applyRun(world: MockWorld, stack: string, run: ProgramRun, previous?: ProgramRun): MockWorld {
  const after = clone(world);
  const repositories = after.ecrRepositories!;
  const home = stackConfig(stack)['aws:region']!;
  const replications: { home: string; prefixes: string[]; regions: string[] }[] = [];
  for (const r of run.registrations) {
    const region = regionOf(r.provider, home);
    if (r.type === 'aws:ecr/repository:Repository') repositories[repositoryKey(region, r.state.name)] ??= [];
    if (r.type === 'aws:ecr/replicationConfiguration:ReplicationConfiguration') {
      for (const rule of r.state.replicationConfiguration?.rules ?? []) {
        replications.push({
          home: region,
          prefixes: (rule.repositoryFilters ?? []).map((f: { filter: string }) => f.filter),
          regions: (rule.destinations ?? []).map((d: { region: string }) => d.region),
        });
      }
    }
  }
  for (const push of pushesOf(run, previous)) {
    // ECR refuses a push to a repository that does not exist.
    if (!repositories[repositoryKey(push.region, push.repository)]) continue;
    const targets = [push.region];
    for (const rep of replications) {
      if (rep.home === push.region && rep.prefixes.some((p) => push.repository.startsWith(p)))
        targets.push(...rep.regions);
    }
    for (const region of targets) {
      const key = repositoryKey(region, push.repository);
      repositories[key] ??= [];
      const images = repositories[key];
      // A tag names one image: pushing it again moves it (mutable repositories).
      const tagged = images.find((i) => i.imageTag === push.imageTag);
      if (tagged) tagged.imageDigest = push.imageDigest;
      else images.push({ imageTag: push.imageTag, imageDigest: push.imageDigest });
    }
  }
  return after;
}

/** The account as the given runs (first deploys, in order) left it. */
export function worldAfter(runs: StackRun[]): MockWorld {
  return runs.reduce<MockWorld>((world, { stack, run }) => applyRun(world, stack, run), { ecrRepositories: {} });
}
