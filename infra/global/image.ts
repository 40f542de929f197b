// The service image: built once per change from service/Dockerfile for linux/amd64, pushed to the home
// repository under a content-derived tag (ECR replicates it to the other regions) and handed to the regional
// stacks by digest, so every instance in every region runs exactly the same bytes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
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
  repositoryUrl: pulumi.Input<string>;
  /** Tag to push under (from `contentTag`). */
  tag: string;
  /** Digest already pushed under `tag`, if any (`pushedDigest`): then nothing is built. */
  pushedDigest?: string;
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

/**
 * The digest ECR already holds under `tag`, if any. Tags are immutable and builds aren't byte-for-byte
 * reproducible, so content seen before (a revert, a rebuilt state) must reuse that image rather than push a
 * new one under the same tag, which ECR would refuse. A repository that doesn't exist yet holds nothing.
 */
export async function pushedDigest(
  repositoryName: string,
  tag: string,
  provider: aws.Provider,
): Promise<string | undefined> {
  try {
    const { imageIds } = await aws.ecr.getImages({ repositoryName }, { provider });
    return imageIds.find((id) => id.imageTag === tag)?.imageDigest;
  } catch (err) {
    if (/RepositoryNotFoundException/.test(String(err))) return undefined;
    throw err;
  }
}

export class ServiceImage extends pulumi.ComponentResource {
  readonly tag: string;
  /** `<repositoryUrl>@sha256:...` */
  readonly imageUri: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:ServiceImage', name, {}, opts);
    const build = args.build ?? SERVICE_BUILD;
    this.tag = args.tag;
    if (args.pushedDigest) {
      this.digest = pulumi.output(args.pushedDigest);
      this.imageUri = pulumi.interpolate`${args.repositoryUrl}@${args.pushedDigest}`;
    } else {
      // Paths relative to the working directory Pulumi runs the program in (the project root), so state
      // recorded on one machine doesn't show a diff on another.
      const context = path.relative(process.cwd(), build.root) || '.';
      const image = new awsx.ecr.Image(
        name,
        {
          repositoryUrl: args.repositoryUrl,
          context,
          dockerfile: path.join(context, build.dockerfile),
          platform: build.platform,
          imageTag: this.tag,
        },
        { parent: this, providers: [args.provider], dependsOn: args.dependsOn },
      );
      this.imageUri = image.imageUri;
      this.digest = image.imageUri.apply(digestOf);
    }
    this.registerOutputs({ imageUri: this.imageUri, digest: this.digest });
  }
}
