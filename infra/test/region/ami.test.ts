// Issue #20 item 7: a new Amazon Linux 2023 AMI must not roll the fleet on an `up` that changes nothing else. The
// launch template keeps the AMI the stack last deployed until the image changes, or boots the pinned amiId.
import { describe, expect, it } from 'vitest';
import { AMI_OUTPUT, chooseAmi, IMAGE_OUTPUT } from '../../region/ami.js';
import type { ProgramRun } from '../program.js';
import { runProgram } from '../program.js';
import {
  GLOBAL_STACK,
  fakeStorefront,
  globalOutputs,
  regionConfig,
  SECONDARY,
  worldWithImage,
} from '../region-harness.js';

const T = { lt: 'aws:ec2/launchTemplate:LaunchTemplate' } as const;
const LATEST = `ami-al2023-${SECONDARY}`; // what the mocked SSM parameter names today

describe('chooseAmi', () => {
  const image = 'repo@sha256:new';
  it('keeps the deployed AMI while the image is the one deployed', () => {
    expect(chooseAmi({ image, latest: 'ami-2', previousImage: image, previousAmi: 'ami-1' })).toBe('ami-1');
  });
  it('takes the current AMI with a new image (a release), and on the first deploy', () => {
    expect(chooseAmi({ image, latest: 'ami-2', previousImage: 'repo@sha256:old', previousAmi: 'ami-1' })).toBe('ami-2');
    expect(chooseAmi({ image, latest: 'ami-2' })).toBe('ami-2');
  });
  it('boots the pinned AMI whatever else', () => {
    expect(chooseAmi({ pinned: 'ami-0', image, latest: 'ami-2', previousImage: image, previousAmi: 'ami-1' })).toBe(
      'ami-0',
    );
  });
});

describe('the launch template of a deployed stack', () => {
  const storefront = fakeStorefront();
  const sf = { 'edgecart:storefrontDir': storefront.dir };

  async function deploy(config: Record<string, string>, previous?: Record<string, unknown>): Promise<ProgramRun> {
    const outputs = globalOutputs();
    return runProgram(config, {
      stack: 'london',
      stackOutputs: {
        [GLOBAL_STACK]: { ...outputs },
        ...(previous ? { 'organization/edgecart/london': previous } : {}),
      },
      world: worldWithImage(outputs),
    });
  }
  const imageOf = (run: ProgramRun) => run.byName(T.lt, `${SECONDARY}-service-lt`).inputs.imageId;

  it('stays on the AMI it runs when AWS publishes a newer one and the image is unchanged', async () => {
    const first = await deploy(regionConfig('london', sf));
    expect(imageOf(first)).toBe(LATEST);
    expect(first.outputs[AMI_OUTPUT]).toBe(LATEST);
    // Later: the stack runs `ami-older` (deployed before the parameter moved on), same image.
    const again = await deploy(regionConfig('london', sf), {
      [IMAGE_OUTPUT]: first.outputs[IMAGE_OUTPUT],
      [AMI_OUTPUT]: 'ami-0older0000000000',
    });
    expect(imageOf(again)).toBe('ami-0older0000000000');
  });

  it('moves to the current AMI with a new image', async () => {
    const run = await deploy(regionConfig('london', sf), {
      [IMAGE_OUTPUT]: 'an-earlier-image@sha256:00',
      [AMI_OUTPUT]: 'ami-0older0000000000',
    });
    expect(imageOf(run)).toBe(LATEST);
  });

  it('boots edgecart:amiId when it is set, and refuses a value that is no AMI ID', async () => {
    const run = await deploy(regionConfig('london', { ...sf, 'edgecart:amiId': 'ami-0123456789abcdef0' }));
    expect(imageOf(run)).toBe('ami-0123456789abcdef0');
    await expect(deploy(regionConfig('london', { ...sf, 'edgecart:amiId': 'al2023' }))).rejects.toThrow(
      /edgecart:amiId: got "al2023", expected an AMI ID/,
    );
  });
});
