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

export interface RegistryArgs {
  /** Namespace of the repository, e.g. edgecart-global; the repository is <namespace>/service. */
  namespace: string;
  /** The registry's own region (the provider's). */
  homeRegion: string;
  /** Every region that runs a regional stack. */
  regions: string[];
  accountId: pulumi.Input<string>;
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
        // A tag names one build forever: the digest a region runs can never change underneath it.
        imageTagMutability: 'IMMUTABLE',
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
            imageTagMutability: 'IMMUTABLE',
            encryptionConfigurations: [{ encryptionType: 'AES256' }],
            lifecyclePolicy: LIFECYCLE_POLICY,
          },
          home,
        ),
    );

    // Registry-wide setting (one per account and region). Only pushes made after it exists are copied,
    // so the image build depends on it (`ready`).
    const replication =
      destinations.length > 0
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
            { ...home, dependsOn: templates },
          )
        : undefined;
    this.ready = [repository, ...(replication ? [replication] : [])];

    this.repositoryName = repository.name;
    this.repositoryUrl = repository.repositoryUrl;
    this.registryId = repository.registryId;
    this.registerOutputs({ repositoryName: this.repositoryName, repositoryUrl: this.repositoryUrl });
  }
}
