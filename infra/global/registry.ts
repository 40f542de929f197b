// The container registry: one ECR repository for the service image in the stack's home region, replicated
// by ECR itself to every other region that runs a regional stack, so instances pull from their own region.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** Tagged images kept per repository; older ones expire (instances pull by digest, rollbacks stay possible). */
export const IMAGES_KEPT = 100;

/** One rule only: never expire untagged manifests, which can be the children of a tagged image index. */
export const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: `Keep the ${IMAGES_KEPT} most recent tagged images`,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['*'],
        countType: 'imageCountMoreThan',
        countNumber: IMAGES_KEPT,
      },
      action: { type: 'expire' },
    },
  ],
});

/** See the repository below for why tags are mutable while every deployment is pinned by digest. */
export const IMAGE_TAG_MUTABILITY = 'MUTABLE';

/**
 * SSM parameter that claims the registry's replication configuration for one global stack. ECR keeps ONE
 * replication configuration per registry, i.e. per account and region (ECR User Guide, "Private image
 * replication": "the replication configuration ... is configured at the registry level"; API
 * PutReplicationConfiguration replaces the whole configuration). A second global stack (e.g. staging) in the same
 * account and home region would silently overwrite it, and destroying either would delete it for both.
 * PutParameter without Overwrite fails with ParameterAlreadyExists, so the second stack's `up` stops here, before
 * it touches the replication configuration. Give a second environment its own account or another home region.
 */
export const REPLICATION_CLAIM_PARAMETER = '/edgecart/ecr-replication-owner';

export interface RegistryArgs {
  /** Namespace of the repository, e.g. edgecart-global; the repository is <namespace>/service. */
  namespace: string;
  /** The registry's own region (the provider's). */
  homeRegion: string;
  /** Every region that runs a regional stack. */
  regions: string[];
  accountId: pulumi.Input<string>;
  /** `<project>/<stack>` of this stack, written into the replication claim. */
  stackName: string;
  provider: aws.Provider;
  protect: boolean;
}

/** The regions ECR copies images to: every configured region except the one the repository lives in. */
export function replicaRegions(homeRegion: string, regions: string[]): string[] {
  return regions.filter((r) => r !== homeRegion);
}

/** The repository's name, known before it exists. */
export function serviceRepositoryName(namespace: string): string {
  return `${namespace}/service`;
}

export class Registry extends pulumi.ComponentResource {
  /** Plain repository name (`repositoryName` is the same as an Output). */
  readonly name: string;
  readonly repositoryName: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
  readonly registryId: pulumi.Output<string>;
  /** What must exist before the first push: the repository and its replication to the other regions. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Registry', name, {}, opts);
    const home = { parent: this, provider: args.provider };
    const repositoryName = serviceRepositoryName(args.namespace);
    this.name = repositoryName;

    const repository = new aws.ecr.Repository(
      `${name}-service`,
      {
        name: repositoryName,
        // MUTABLE on purpose. What runs is pinned by digest (instances pull `<repo>@sha256:…`), which no tag
        // change can alter. Tags name build contexts (`ctx-<hash>`), and a revert to content pushed before must be
        // able to push that tag again: docker-build rebuilds on any context change and builds are not
        // byte-reproducible, so an immutable repository would refuse the push (ImageTagAlreadyExistsException).
        // The image a tag pointed at before stays in the repository, untagged, and keeps running where it runs.
        imageTagMutability: IMAGE_TAG_MUTABILITY,
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        forceDelete: false,
      },
      { ...home, protect: args.protect },
    );

    new aws.ecr.LifecyclePolicy(`${name}-service`, { repository: repository.name, policy: LIFECYCLE_POLICY }, home);

    // ECR creates the replica repositories on first replication with default (mutable, no lifecycle)
    // settings; these templates, in each destination region, give them the source repository's guarantees.
    const destinations = replicaRegions(args.homeRegion, args.regions);
    const templates = destinations.map(
      (region) =>
        new aws.ecr.RepositoryCreationTemplate(
          `${name}-replica-${region}`,
          {
            region,
            prefix: args.namespace,
            description: `Replicas of ${repositoryName} in ${region}`,
            appliedFors: ['REPLICATION'],
            imageTagMutability: IMAGE_TAG_MUTABILITY,
            encryptionConfigurations: [{ encryptionType: 'AES256' }],
            lifecyclePolicy: LIFECYCLE_POLICY,
          },
          home,
        ),
    );

    // Registry-wide setting (one per account and region). Only pushes made after it exists are copied,
    // so the image build depends on it (`ready`). The claim makes a second global stack in this registry fail
    // instead of overwriting it (REPLICATION_CLAIM_PARAMETER).
    const claim =
      destinations.length > 0
        ? new aws.ssm.Parameter(
            `${name}-replication-claim`,
            {
              name: REPLICATION_CLAIM_PARAMETER,
              type: 'String',
              value: args.stackName,
              // `overwrite` left unset, not false: the provider then creates without Overwrite (a second stack's
              // PutParameter fails with ParameterAlreadyExists) and updates with it; an explicit false applies to
              // updates too, so any later edit of this parameter would fail (terraform-provider-aws
              // internal/service/ssm/parameter.go, shouldUpdateParameter).
              description: "The one Pulumi stack that owns this registry's ECR replication configuration (edgecart)",
            },
            home,
          )
        : undefined;
    const replication =
      claim !== undefined
        ? new aws.ecr.ReplicationConfiguration(
            `${name}-replication`,
            {
              replicationConfiguration: {
                rules: [
                  {
                    destinations: destinations.map((region) => ({ region, registryId: args.accountId })),
                    repositoryFilters: [{ filter: repositoryName, filterType: 'PREFIX_MATCH' }],
                  },
                ],
              },
            },
            { ...home, dependsOn: [claim, ...templates] },
          )
        : undefined;
    this.ready = [repository, ...(replication ? [replication] : [])];

    this.repositoryName = repository.name;
    this.repositoryUrl = repository.repositoryUrl;
    this.registryId = repository.registryId;
    this.registerOutputs({ repositoryName: this.repositoryName, repositoryUrl: this.repositoryUrl });
  }
}
