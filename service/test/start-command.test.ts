// `npm start` and the image's CMD are two spellings of one decision: how production runs node (heap caps, GC
// settings, the built entry point). The bench measures `npm start`; the image is what runs in AWS. They must agree.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
const dockerfile = readFileSync(new URL('service/Dockerfile', root), 'utf8');

function npmStart(): { env: Record<string, string>; argv: string[] } {
  const tokens = pkg.scripts.start!.split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(tokens[0] ?? '')) {
    const [key, value] = tokens.shift()!.split('=');
    env[key!] = value!;
  }
  return { env, argv: tokens };
}

function imageCmd(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  if (!cmd) throw new Error('no exec-form CMD in service/Dockerfile');
  return JSON.parse(cmd) as string[];
}

it('the image runs node with exactly the flags and entry point of npm start', () => {
  expect(imageCmd()).toEqual(npmStart().argv);
});

it("npm start's environment is set in the image too", () => {
  for (const [key, value] of Object.entries(npmStart().env)) {
    expect(dockerfile).toMatch(new RegExp(`\\b${key}=${value}\\b`));
  }
});

it('production turns off V8 allocation-site pretenuring (per-request objects must die young)', () => {
  expect(npmStart().argv).toContain('--no-allocation-site-pretenuring');
});
