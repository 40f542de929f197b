// A preview of the primary (the only stack that creates a cluster with a master password) reads no secret value
// (issue #10 item 5): the password comes from the global stack's encrypted outputs, and instances fetch their
// secrets at boot by name/ARN. A read-only preview role has no secretsmanager:GetSecretValue.
import { describe, expect, it } from 'vitest';
import { runProgram } from '../program.js';
import {
  fakeStorefront,
  GLOBAL_STACK,
  globalOutputs,
  isSecretInput,
  PRIMARY,
  regionConfig,
  worldWithImage,
} from '../region-harness.js';
import { T } from './stacks.js';

describe('mumbai preview', () => {
  it('creates the writer cluster without reading a secret value from Secrets Manager', async () => {
    const sf = fakeStorefront();
    try {
      const run = await runProgram(regionConfig('mumbai', { 'edgecart:storefrontDir': sf.dir }), {
        stack: 'mumbai',
        dryRun: true,
        stackOutputs: { [GLOBAL_STACK]: { ...globalOutputs() } },
        world: worldWithImage(),
      });
      const secretReads = run.invokes.filter((i) => i.token.startsWith('aws:secretsmanager/'));
      expect(secretReads).toEqual([]);
      const cluster = run.byName(T.cluster, `${PRIMARY}-aurora`);
      expect(isSecretInput(cluster.inputs.masterPassword)).toBe(true);
    } finally {
      sf.remove();
    }
  });
});
