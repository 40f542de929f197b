// docs/deploy.md's DNS bootstrap works as written (issue #20 item 1): the `pulumi up --target …` of "DNS
// delegation", resolved against the global program's real URNs with the engine's targeting rule (./targeting.ts:
// a child is not targeted because its component is; an untargeted create is skipped without an error), creates
// every resource the guide's next commands read, and fails no step with "untargeted create".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from './mocks.js';
import { type ProgramRun, REPO_ROOT, runProgram, stackConfig } from './program.js';
import { targetedUp } from './targeting.js';

const guide = readFileSync(path.join(REPO_ROOT, 'docs/deploy.md'), 'utf8');

/** The shell commands of the guide's "DNS delegation" step, continuation lines joined. */
function dnsStepCommands(): string[] {
  const section = /### 3\. DNS delegation\n([\s\S]*?)\n### /.exec(guide)?.[1];
  if (!section) throw new Error('docs/deploy.md has no "### 3. DNS delegation" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * What each command after the `up` needs to exist, by the AWS API it calls. A command the table does not know
 * fails the test, so a new read in the guide gets its resource here.
 */
const READS: { command: RegExp; needs: (r: Registration, domain: string) => boolean }[] = [
  // ListHostedZonesByName / GetHostedZone answer only for a zone that exists (Route 53 API Reference).
  {
    command: /aws route53 (list-hosted-zones-by-name|get-hosted-zone)\b/,
    needs: (r, domain) => r.type === 'aws:route53/zone:Zone' && r.state.name === domain,
  },
  // Reads config, no resource.
  { command: /pulumi config get\b/, needs: () => false },
];

const commands = dnsStepCommands();
const up = commands.find((c) => /pulumi up\b/.test(c));
const targets = up ? [...up.matchAll(/--target '([^']+)'/g)].map((m) => m[1]!) : [];
const reads = commands.filter((c) => c !== up);

describe('docs/deploy.md, DNS delegation', () => {
  let run: ProgramRun;
  let domain: string;
  beforeAll(async () => {
    const config = stackConfig('global');
    domain = config['edgecart:domain']!;
    run = await runProgram(config, { stack: 'global' });
  });

  it('targets URNs the global stack registers', () => {
    expect(up, 'the step runs one targeted pulumi up').toBeDefined();
    expect(targets.length).toBeGreaterThan(0);
    const urns = new Set(run.registrations.map((r) => r.urn));
    for (const urn of targets) expect(urns, urn).toContain(urn);
  });

  it("creates every resource the step's next commands read, and no step fails with untargeted create", () => {
    const result = targetedUp(run.registrations, targets, { targetDependents: up?.includes('--target-dependents') });
    expect(result.errors).toEqual([]);
    const created = new Set(result.created);
    expect(reads.length).toBeGreaterThan(0);
    for (const command of reads) {
      const read = READS.find((r) => r.command.test(command));
      expect(read, `docs/deploy.md runs "${command}": say in READS what it reads`).toBeDefined();
      for (const r of run.registrations.filter((x) => read!.needs(x, domain))) {
        expect(created.has(r.urn), `"${command}" reads ${r.urn}, which the targeted up skips`).toBe(true);
      }
    }
    // The zone itself: the reason for the step.
    const zone = run.registrations.find((r) => r.type === 'aws:route53/zone:Zone');
    expect(zone && created.has(zone.urn)).toBe(true);
  });

  it('the engine rule as the test applies it: a targeted component does not bring its children', () => {
    const dns = run.registrations.find((r) => r.type === 'edgecart:global:Dns')!;
    const zone = run.registrations.find((r) => r.type === 'aws:route53/zone:Zone')!;
    expect(targetedUp(run.registrations, [dns.urn]).skipped).toContain(zone.urn);
    // --target-dependents would bring the zone, and with it its dependents (the certificate's validation records),
    // whose certificate is not targeted: the update stops with "untargeted create".
    expect(targetedUp(run.registrations, [dns.urn], { targetDependents: true }).errors.length).toBeGreaterThan(0);
  });
});
