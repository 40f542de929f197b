// The global database's engine version is checked against what AWS still creates, in every region (issue #20
// item 5), before anything is created: a retired minor stops the run naming the key and how to pick another.
import { describe, expect, it } from 'vitest';
import { AURORA_POSTGRES_VERSIONS } from './mocks.js';
import { runProgram, stackConfig } from './program.js';

describe('edgecart:dbEngineVersion', () => {
  it('creates the global cluster with a version every region offers', async () => {
    const config = stackConfig('global');
    const run = await runProgram(config, { stack: 'global' });
    const checked = run.invokes.filter((i) => i.token === 'aws:rds/getEngineVersion:getEngineVersion');
    expect(checked.map((i) => i.inputs.region).sort()).toEqual([...JSON.parse(config['edgecart:regions']!)].sort());
    const version = config['edgecart:dbEngineVersion']!;
    for (const region of JSON.parse(config['edgecart:regions']!))
      expect(AURORA_POSTGRES_VERSIONS[region]).toContain(version);
  });

  it('stops with the key and the command that lists what a region offers when a version is retired', async () => {
    // 16.4: new enough for local write forwarding (config), no longer offered (the mocked regions list 16.6+).
    const config = stackConfig('global', { 'edgecart:dbEngineVersion': '16.4' });
    await expect(runProgram(config, { stack: 'global' })).rejects.toThrow(
      /dbEngineVersion.*16\.4 cannot be created in ap-south-1.*describe-db-engine-versions/,
    );
  });

  it('stops at config on a version without local write forwarding, which every region writes through (16.4+)', async () => {
    const config = stackConfig('global', { 'edgecart:dbEngineVersion': '16.2' });
    await expect(runProgram(config, { stack: 'global' })).rejects.toThrow(
      /dbEngineVersion.*16\.2.*local write forwarding.*16\.4 or later/,
    );
  });
});
