// What `pulumi up --target …` does with a program's registrations on a stack with no state yet, as the engine
// decides it (pulumi/pulumi v3.248, pkg/resource/deploy/step_generator.go). Hand-written because the engine is Go
// and there is no CLI here; each rule names the code it follows:
// - `isTargetedForUpdate`: a resource is targeted when a `--target` matches its URN (a literal, or a glob where
//   `**` matches anything and `*` anything but `:`, deployment.go `UrnTargets.getMatcher`); with
//   `--target-dependents` also when its provider or any of its dependencies (parent, dependsOn, the resources its
//   inputs come from: resource_state.go `GetAllDependencies`) is targeted. A child is NOT targeted because its
//   parent component is.
// - Providers and the root stack are targeted implicitly (`isImplicitlyTargetedResource`).
// - An untargeted resource with no old state becomes a "skipped create": nothing is created, no error.
// - A targeted step that depends on a skipped create fails the update with "untargeted create"
//   (`GenerateSteps`, the check after generating the steps).
import type { Registration } from './mocks.js';

export interface TargetedUp {
  /** URNs of the resources the update creates (providers and the stack included). */
  created: string[];
  /** URNs the engine skips without an error (untargeted creates). */
  skipped: string[];
  /** "untargeted create" failures: a targeted resource that depends on a skipped one. */
  errors: { urn: string; dependsOn: string }[];
}

function globMatcher(glob: string): RegExp {
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const segments = glob.split('**').map((segment) => segment.split('*').map(quote).join('[^:]*'));
  return new RegExp(`^${segments.join('.*')}$`);
}

function contains(targets: string[], urn: string): boolean {
  return targets.some((t) => (t.includes('*') ? globMatcher(t).test(urn) : t === urn));
}

const isImplicit = (r: Registration) => r.type.startsWith('pulumi:providers:') || r.type === 'pulumi:pulumi:Stack';

/** The provider URN of a provider reference `<urn>::<id>`. */
const providerUrn = (ref: string | undefined) => (ref ? ref.slice(0, ref.lastIndexOf('::')) : undefined);

function dependenciesOf(r: Registration): string[] {
  return [...(r.parent ? [r.parent] : []), ...r.dependencies, ...Object.values(r.propertyDependencies).flat()].filter(
    (u) => u !== '',
  );
}

/**
 * Runs `pulumi up` with `targets` (and `--target-dependents` when asked) over `registrations`, in registration
 * order (the engine sees them in that order too, and a dependency always registers first).
 */
export function targetedUp(
  registrations: Registration[],
  targets: string[],
  options: { targetDependents?: boolean } = {},
): TargetedUp {
  const targetsActual = [...targets];
  const created: string[] = [];
  const skipped = new Set<string>();
  const errors: TargetedUp['errors'] = [];
  const isTargetedForUpdate = (r: Registration) => {
    if (contains(targets, r.urn)) return true;
    if (!options.targetDependents) return false;
    const provider = providerUrn(r.provider);
    if (provider && contains(targetsActual, provider)) return true;
    return dependenciesOf(r).some((dep) => contains(targetsActual, dep));
  };
  for (const r of registrations) {
    const targeted = isImplicit(r) || isTargetedForUpdate(r);
    if (targeted && isTargetedForUpdate(r)) targetsActual.push(r.urn);
    if (!targeted) {
      skipped.add(r.urn);
      continue;
    }
    created.push(r.urn);
    const provider = providerUrn(r.provider);
    for (const dep of [...dependenciesOf(r), ...(provider ? [provider] : [])]) {
      if (skipped.has(dep)) errors.push({ urn: r.urn, dependsOn: dep });
    }
  }
  return { created, skipped: [...skipped], errors };
}
