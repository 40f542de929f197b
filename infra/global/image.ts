// The service image: built from service/Dockerfile for linux/amd64 by the docker-build provider, pushed to the
// home repository under a content-derived tag (ECR replicates it to the other regions) and handed to the regional
// stacks by digest, so every instance in every region runs exactly the same bytes.
//
// The image resource is declared on EVERY run (issue #10 item 1). It used to drop out of the program once its tag
// was found in ECR, and Pulumi then deleted it: docker-build's Delete removes `<tag>@<digest>` from the registry
// (pulumi/pulumi-docker-build provider/internal/image.go, `Image.Delete`; issue #606 "ECR image deleted after second
// deployment"). Now an unchanged build context is a no-op: docker-build's Diff compares the inputs and a hash of the
// context (`hashBuildContext`) and reports no change, so nothing is built or pushed. A changed context is an
// update (docker-build never replaces an image: `Update` re-runs `Create`), and `retainOnDelete` keeps every pushed
// image in ECR even if the resource is ever deleted or renamed: a region that has not deployed yet still runs the
// previous digest, and the repository's lifecycle policy expires old images instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as aws from '@pulumi/aws';
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { BuildContext } from './build-context.js';

/** The repository root: the build context of the image. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const SERVICE_BUILD: BuildContext = {
  root: REPO_ROOT,
  dockerfile: 'service/Dockerfile',
  platform: 'linux/amd64',
};

export interface ServiceImageArgs {
  repositoryUrl: pulumi.Output<string>;
  /** Tag to push under (from `contentTag`). */
  tag: string;
  /** The repository's registry (account id), for the push credentials. */
  registryId: pulumi.Input<string>;
  build?: BuildContext;
  provider: aws.Provider;
  /** Resources the push must wait for (the repository and its replication configuration). */
  dependsOn: pulumi.Resource[];
}

/** The `sha256:...` digest of an image reference `<repository>@sha256:...`. */
export function digestOf(imageUri: string): string {
  const digest = imageUri.slice(imageUri.indexOf('@') + 1);
  if (!imageUri.includes('@') || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`Expected an image reference by digest, got "${imageUri}"`);
  }
  return digest;
}

export class ServiceImage extends pulumi.ComponentResource {
  readonly tag: string;
  /** `<repositoryUrl>@sha256:...` */
  readonly imageUri: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
  /** The push credentials of the repository's registry (a 12-hour ECR token), for copies into it. */
  readonly registry: dockerBuild.types.input.RegistryArgs;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:ServiceImage', name, {}, opts);
    const build = args.build ?? SERVICE_BUILD;
    this.tag = args.tag;
    // Paths relative to the working directory Pulumi runs the program in (the project root), so state recorded on
    // one machine doesn't show a diff on another.
    const context = path.relative(process.cwd(), build.root) || '.';
    // A short-lived ECR token; docker-build ignores password changes in its diff, so a new token is no change.
    const token = aws.ecr.getAuthorizationTokenOutput(
      { registryId: args.registryId },
      { parent: this, provider: args.provider },
    );
    this.registry = {
      address: args.repositoryUrl.apply((url) => url.split('/')[0]!),
      username: token.userName,
      password: pulumi.secret(token.password),
    };
    const image = new dockerBuild.Image(
      name,
      {
        tags: [pulumi.interpolate`${args.repositoryUrl}:${this.tag}`],
        context: { location: context },
        dockerfile: { location: path.join(context, build.dockerfile) },
        platforms: [build.platform as dockerBuild.Platform],
        push: true,
        // The PR preview builds too (without pushing), so a broken Dockerfile fails the pull request.
        buildOnPreview: true,
        registries: [this.registry],
      },
      { parent: this, dependsOn: args.dependsOn, retainOnDelete: true },
    );
    this.digest = image.digest;
    this.imageUri = pulumi.interpolate`${args.repositoryUrl}@${image.digest}`;
    this.registerOutputs({ imageUri: this.imageUri, digest: this.digest });
  }
}
