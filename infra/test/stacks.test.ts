// The deploy plan the workflows use (infra/stacks.ts, scripts/stacks.ts): adding a region is exactly two files.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stackPlan } from '../stacks.js';
import { REPO_ROOT } from './program.js';

const dirs: string[] = [];
/** A copy of the repository's stack files to change. */
function copyOfStackFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgecart-stacks-'));
  dirs.push(dir);
  for (const f of ['Pulumi.yaml', 'Pulumi.global.yaml', 'Pulumi.mumbai.yaml', 'Pulumi.london.yaml']) {
    copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('stack plan', () => {
  it('deploys global, then the primary, then the secondaries, from the committed stack files', () => {
    expect(stackPlan(REPO_ROOT)).toEqual({
      global: 'global',
      primary: 'mumbai',
      secondaries: ['london'],
      all: ['global', 'mumbai', 'london'],
    });
  });

  it('picks up a new region from its two files: the regions list and the new stack file', () => {
    const dir = copyOfStackFiles();
    const global = path.join(dir, 'Pulumi.global.yaml');
    writeFileSync(
      global,
      readFileSync(global, 'utf8').replace('    - eu-west-2\n', '    - eu-west-2\n    - ap-southeast-1\n'),
    );
    writeFileSync(
      path.join(dir, 'Pulumi.singapore.yaml'),
      readFileSync(path.join(dir, 'Pulumi.london.yaml'), 'utf8')
        .replace('aws:region: eu-west-2', 'aws:region: ap-southeast-1')
        .replace('10.30.0.0/16', '10.40.0.0/16'),
    );
    expect(stackPlan(dir).all).toEqual(['global', 'mumbai', 'london', 'singapore']);
  });

  it('refuses a region without a stack file, and a stack file whose region is not listed', () => {
    const dir = copyOfStackFiles();
    rmSync(path.join(dir, 'Pulumi.london.yaml'));
    expect(() => stackPlan(dir)).toThrow(/Region eu-west-2 .* needs exactly one stack file/);
    const other = copyOfStackFiles();
    const london = path.join(other, 'Pulumi.london.yaml');
    writeFileSync(london, readFileSync(london, 'utf8').replace('aws:region: eu-west-2', 'aws:region: eu-west-1'));
    expect(() => stackPlan(other)).toThrow(/Pulumi\.london\.yaml: aws:region eu-west-1 is not in edgecart:regions/);
  });
});
