// Which AMI the service instances boot (issue #20 item 7). The launch template used to take the latest Amazon Linux
// 2023 AMI from its public SSM parameter on every run, so the `up` after AWS published a new AMI (every week or two)
// made a new template version and rolled the whole fleet, on a run meant for something else, in every region.
// Now the AMI moves with releases: while the image is the one the stack last deployed, the stack keeps the AMI it
// last deployed (its own previous outputs, read through a StackReference to itself: pulumi/pulumi#3722); a new
// image rolls out on the AMI current at that moment. `edgecart:amiId` pins one explicitly.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RegionalConfig } from '../config.js';

/** Public SSM parameter with the current Amazon Linux 2023 AMI (x86_64, matching the linux/amd64 image). */
export const AL2023_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** Names of the regional stack outputs the choice reads back on the next run. */
export const IMAGE_OUTPUT = 'serviceImage';
export const AMI_OUTPUT = 'serviceAmiId';

export interface AmiInputs {
  /** `edgecart:amiId`, when set. */
  pinned?: string;
  /** The image this run deploys. */
  image: string;
  /** The AMI the SSM parameter names today. */
  latest: string;
  /** What the stack deployed last time (its outputs), if it was deployed before. */
  previousImage?: unknown;
  previousAmi?: unknown;
}

/** The pinned AMI; else the previous one while the image is unchanged; else today's. */
export function chooseAmi({ pinned, image, latest, previousImage, previousAmi }: AmiInputs): string {
  if (pinned) return pinned;
  if (typeof previousAmi === 'string' && previousAmi !== '' && previousImage === image) return previousAmi;
  return latest;
}

/** The stack's own fully qualified name: the global stack's organization and project, this stack's name. */
export function ownStackName(config: RegionalConfig): string {
  const [organization] = config.globalStack.split('/');
  return `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

export function serviceAmi(
  config: RegionalConfig,
  image: pulumi.Output<string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  if (config.amiId) return pulumi.output(config.amiId);
  const latest = aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, opts).value;
  // A stack-neutral logical name: every regional stack has the same graph (region/identical.test.ts).
  const self = new pulumi.StackReference(
    'own-previous-outputs',
    { name: ownStackName(config) },
    { parent: opts.parent },
  );
  return pulumi
    .all([image, latest, self.getOutput(IMAGE_OUTPUT), self.getOutput(AMI_OUTPUT)])
    .apply(([i, l, previousImage, previousAmi]) => chooseAmi({ image: i, latest: l, previousImage, previousAmi }));
}
