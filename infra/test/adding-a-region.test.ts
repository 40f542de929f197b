// Adding a region, as a lifecycle (issue #20 item 2, test b): the global stack deployed with two regions, then
// again with a third appended to edgecart:regions (the README's "adding a region"), then once more with nothing
// changed. ECR is modelled the way it behaves (./every-stack.ts `applyRun`): only resources with a diff push, and a
// push replicates to the destinations of the rule in force when it is pushed, never to a region added later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRun, pushesOf } from './every-stack.js';
import { ACCOUNT_ID, type MockWorld, repositoryKey } from './mocks.js';
import { type ProgramRun, runProgram, stackConfig } from './program.js';
import { fakeStorefront, GLOBAL_STACK, THIRD, thirdRegionConfig } from './region-harness.js';

const twoRegions = stackConfig('global');
const threeRegions = stackConfig('global', {
  'edgecart:regions': JSON.stringify([...JSON.parse(twoRegions['edgecart:regions']!), THIRD]),
});

let first: ProgramRun;
let added: ProgramRun;
let again: ProgramRun;
let before: MockWorld;
let after: MockWorld;

beforeAll(async () => {
  first = await runProgram(twoRegions, { stack: 'global' });
  before = applyRun({}, 'global', first);
  added = await runProgram(threeRegions, { stack: 'global', world: before });
  after = applyRun(before, 'global', added, first);
  again = await runProgram(threeRegions, { stack: 'global', world: after });
}, 120_000);

const imagesIn = (world: MockWorld, region: string, run: ProgramRun) =>
  world.ecrRepositories?.[repositoryKey(region, String(run.outputs.repositoryName))] ?? [];

describe('adding a region to the global stack', () => {
  it('keeps the running image (no rebuild, so the other regions do not roll)', () => {
    expect(added.outputs.imageDigest).toBe(first.outputs.imageDigest);
    // No build is pushed: the build context did not change.
    expect(pushesOf(added, first).filter((p) => p.imageTag.startsWith('ctx-'))).toEqual([]);
  });

  it("puts the running digest into the new region's registry", () => {
    expect(imagesIn(before, THIRD, first)).toEqual([]);
    const digests = imagesIn(after, THIRD, added).map((i) => i.imageDigest);
    expect(digests).toContain(added.outputs.imageDigest);
  });

  it('pushes nothing on a re-run with no change', () => {
    expect(pushesOf(again, added)).toEqual([]);
  });
});

describe("the new region's stack", () => {
  const storefront = fakeStorefront();
  afterAll(() => storefront.remove());
  const runThird = (world: MockWorld) =>
    runProgram(thirdRegionConfig({ 'edgecart:storefrontDir': storefront.dir }), {
      stack: 'singapore',
      stackOutputs: { [GLOBAL_STACK]: added.outputs },
      world,
    });

  it('starts its instances from the running digest, pulled from its own region', async () => {
    const run = await runThird(after);
    expect(run.outputs.serviceImage).toBe(
      `${ACCOUNT_ID}.dkr.ecr.${THIRD}.amazonaws.com/${added.outputs.repositoryName}@${added.outputs.imageDigest}`,
    );
  });

  it('fails with what to do, and starts no instance, while its registry lacks the image', async () => {
    await expect(runThird(before)).rejects.toThrow(/not in ap-southeast-1's ECR yet/);
  });
});
