// Runs the pack's policies in-process over a program run recorded by the infra mocks, handing each policy what the
// Pulumi engine hands a policy pack (@pulumi/policy server.js, makeAnalyzeRpcFun / makeAnalyzeStackRpcFun):
// validateResource gets { type, props, urn, name, opts, provider } per custom resource, with the resource's inputs
// as props; validateStack gets every resource with its state as props, its parent, dependencies and property
// dependencies. Secrets arrive revealed, as the engine sends them with keepSecrets false. Hand-written because
// @pulumi/policy only serves policies over gRPC to a running engine.
import type {
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import type { Registration } from '../../infra/test/mocks.js';
import { type ProgramRun, revealSecrets } from '../../infra/test/program.js';

export interface Violation {
  policy: string;
  urn?: string;
  message: string;
}

/** What the policies see of one stack: its resources as the engine describes them to a policy pack. */
export interface PolicyGraph {
  /** Custom resources with their inputs (what validateResource sees). */
  inputs: ResourceValidationArgs[];
  /** Every resource with its state (what validateStack sees). */
  resources: PolicyResource[];
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function optionsOf(r: Registration): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    deleteBeforeReplace: r.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.additionalSecretOutputs,
    parent: r.parent,
  };
}

/** isType as the server does it for generated resource classes: by their `__pulumiType`. */
const typeCheckers = (type: string) => ({
  isType: ((cls: { __pulumiType?: string }) => cls.__pulumiType === type) as PolicyResource['isType'],
});

/** Builds the policy view of a recorded program run. */
export function policyGraph(run: ProgramRun): PolicyGraph {
  const byUrn = new Map<string, PolicyResource>();
  const providerOf = (r: Registration): PolicyProviderResource | undefined => {
    // A provider reference is `<mock urn>::<id>`; the provider is the registration with that name and type.
    const [, , type, name] = r.provider?.split('::') ?? [];
    const provider = run.registrations.find((p) => p.name === name && p.type === type?.split('$').pop());
    return provider
      ? { type: provider.type, name: provider.name, urn: provider.urn, props: revealSecrets(provider.state) }
      : undefined;
  };
  const resources: PolicyResource[] = run.registrations.map((r) => {
    const { isType } = typeCheckers(r.type);
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: revealSecrets(r.state),
      opts: optionsOf(r),
      provider: providerOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType,
      asType: (cls) => (isType(cls as never) ? (revealSecrets(r.state) as never) : undefined),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  run.registrations.forEach((r, i) => {
    const resource = resources[i]!;
    resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    resource.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => !!d);
    resource.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, urns]) => [
        k,
        urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => !!d),
      ]),
    );
  });
  const inputs = run.registrations
    .filter((r) => r.custom)
    .map((r): ResourceValidationArgs => {
      const recorded = run.resources.find((x) => x.type === r.type && x.name === r.name);
      const props = revealSecrets(recorded?.inputs ?? {});
      const { isType } = typeCheckers(r.type);
      return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props,
        opts: optionsOf(r),
        provider: providerOf(r),
        stackTags: new Map(),
        isType,
        asType: (cls) => (isType(cls as never) ? (props as never) : undefined),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
      };
    });
  return { inputs, resources };
}

/** Runs every policy over one stack's graph and returns the violations. */
export async function runPolicies(policies: Policies, graph: PolicyGraph): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    const report =
      (defaultUrn?: string): ReportViolation =>
      (message, urn) =>
        violations.push({ policy: policy.name, urn: urn ?? defaultUrn, message });
    const resourcePolicy = policy as ResourceValidationPolicy;
    if (resourcePolicy.validateResource) {
      const validations = [resourcePolicy.validateResource].flat();
      for (const args of graph.inputs) {
        for (const validate of validations) {
          try {
            await validate(args, report(args.urn));
          } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    }
    const stackPolicy = policy as StackValidationPolicy;
    if (stackPolicy.validateStack) {
      try {
        await stackPolicy.validateStack(
          {
            resources: graph.resources,
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable,
          },
          report(),
        );
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return violations;
}
