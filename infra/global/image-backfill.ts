// Brings the running image to every replica region, including one added after the image was pushed (issue #20
// item 2). ECR replicates only what is pushed after a replication rule exists (ECR User Guide, "Private image
// replication": "By default, replication only applies to images pushed after the replication configuration is
// applied"), and a new replication destination triggers nothing (aws/containers-roadmap#1252: "the replication
// will only occur ... if a new image/tag is pushed"). When a region is added the build context is unchanged, so
// docker-build's Diff sees nothing to push and the new region's repository would never get the digest its
// instances pull.
//
// So each replica region has its own copy of the running image pushed again, in the home repository, under the tag
// `replica-<region>`, AFTER the replication configuration that names the region: a push that ECR then replicates
// to every destination, the new one included (the destination repository is created by that replication, from
// the region's creation template). The copy is docker-build's `Index`, `docker buildx imagetools create` with one
// source, which "performs a carbon copy" of an image index (buildx docs, imagetools create), the form buildx
// pushes an image with its provenance in; were the source a lone manifest, the copy would wrap it in a new index
// whose only child is the running digest, which replication copies with it (ECR replicates an index with the
// manifests it references). Either way the running digest reaches the region.
//
// Lifecycle: a region added is one new copy (one push); a new image changes every copy's source (one push per
// region, of manifests ECR already has); a re-run with nothing changed has no diff and pushes nothing (docker-build
// `Index.Diff` compares tag, sources and registry address/username only). `retainOnDelete` because `Index.Delete`
// deletes `<tag>@<digest>`, i.e. the running image itself (pulumi-docker-build provider/internal/index.go).
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';

export interface ImageBackfillArgs {
  /** The home repository (`<account>.dkr.ecr.<home>.amazonaws.com/<name>`). */
  repositoryUrl: pulumi.Input<string>;
  /** The running image's digest. */
  digest: pulumi.Input<string>;
  /** Every region ECR replicates the repository to. */
  replicaRegions: string[];
  /** Push credentials of the home registry. */
  registry: dockerBuild.types.input.RegistryArgs;
  /** The replication configuration naming every replica region: each push must come after it. */
  dependsOn: pulumi.Resource[];
}

/** The tag of a region's copy in the home repository. */
export function backfillTag(region: string): string {
  return `replica-${region}`;
}

export class ImageBackfill extends pulumi.ComponentResource {
  constructor(name: string, args: ImageBackfillArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:ImageBackfill', name, {}, opts);
    for (const region of args.replicaRegions) {
      new dockerBuild.Index(
        `${name}-${region}`,
        {
          tag: pulumi.interpolate`${args.repositoryUrl}:${backfillTag(region)}`,
          sources: [pulumi.interpolate`${args.repositoryUrl}@${args.digest}`],
          push: true,
          registry: args.registry,
        },
        { parent: this, dependsOn: args.dependsOn, retainOnDelete: true },
      );
    }
    this.registerOutputs({});
  }
}
