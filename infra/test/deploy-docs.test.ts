// docs/deploy.md's bootstrap steps work as written (issue #10 item 4): every `--target` URN in the guide is one the
// global program registers, and the hosted zone the DNS step must create comes with a targeted component. The
// engine refuses an untargeted create of a parent (pulumi/pulumi#14531) and includes a targeted component's
// children (pulumi/pulumi#7605).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ProgramRun, REPO_ROOT, runProgram, stackConfig } from './program.js';

const guide = readFileSync(path.join(REPO_ROOT, 'docs/deploy.md'), 'utf8');
const targets = [...guide.matchAll(/--target '([^']+)'/g)].map((m) => m[1]!);

describe('docs/deploy.md, DNS delegation', () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stackConfig('global'), { stack: 'global' });
  });

  it('targets URNs the global stack registers', () => {
    expect(targets.length).toBeGreaterThan(0);
    const urns = new Set(run.registrations.map((r) => r.urn));
    for (const urn of targets) expect(urns, urn).toContain(urn);
  });

  it('creates the zone and every ancestor of it (a targeted component brings its children)', () => {
    const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
    const zone = run.registrations.find((r) => r.type === 'aws:route53/zone:Zone');
    expect(zone).toBeDefined();
    // The zone is targeted itself or through an ancestor; no ancestor below the stack is left untargeted.
    const chain: string[] = [];
    for (
      let urn: string | undefined = zone!.urn;
      urn && !urn.includes('pulumi:pulumi:Stack');
      urn = byUrn.get(urn)?.parent
    ) {
      chain.push(urn);
    }
    const targeted = (urn: string) =>
      targets.includes(urn) || chain.slice(chain.indexOf(urn) + 1).some((a) => targets.includes(a));
    for (const urn of chain) expect(targeted(urn), urn).toBe(true);
  });
});
