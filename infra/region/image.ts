// The image this region runs must be in its own ECR repository before anything boots from it (issue #20 item 2).
// The global stack pushes it there through replication (../global/image-backfill.ts); replication is asynchronous
// (seconds, usually), so a regional `up` started right after the global one could otherwise create its fleet
// while the repository is still empty: every instance fails `docker pull` and the update waits out the capacity
// timeout. Reading the image by digest (ECR DescribeImages, the `aws.ecr.getImage` data source) makes the up and
// the preview stop at once, before any resource is created, with what to do: no instance can start before it
// passed.
import * as aws from '@pulumi/aws';

export interface RegionalImageArgs {
  region: string;
  repositoryName: string;
  digest: string;
  provider: aws.Provider;
}

/** Resolves once ECR in `region` has the image; rejects with the next step when it does not. */
export async function requireImageInRegion(args: RegionalImageArgs): Promise<void> {
  const { repositoryName, digest } = args;
  try {
    await aws.ecr.getImage({ repositoryName, imageDigest: digest }, { provider: args.provider });
  } catch (err) {
    throw new Error(
      `The service image ${repositoryName}@${digest} is not in ${args.region}'s ECR yet (${err instanceof Error ? err.message : err}). ` +
        'Deploy the global stack first (it pushes the image to every region in edgecart:regions); if it just ran, ' +
        `wait for ECR replication (aws ecr describe-image-replication-status --region ${args.region} ` +
        `--repository-name ${repositoryName} --image-id imageDigest=${digest}) and run this stack again.`,
    );
  }
}
