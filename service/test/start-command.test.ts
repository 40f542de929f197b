// `npm start` and the image's CMD are two spellings of one decision: how production runs node (heap caps, GC
// settings, the built entry point). The bench measures `npm start`; the image is what runs in AWS. They must agree.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

describe('npm start on a checkout without a build', () => {
  // Runs npm's prestart step the way npm does (from the package root), in a copy of the root without dist/.
  function prestart(withBuild: boolean) {
    const dir = mkdtempSync(join(tmpdir(), 'edgecart-start-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(new URL('scripts/require-build.sh', root), join(dir, 'scripts/require-build.sh'));
      if (withBuild) {
        mkdirSync(join(dir, 'dist/service/src'), { recursive: true });
        writeFileSync(join(dir, 'dist/service/src/main.cjs'), '');
      }
      return spawnSync('sh', ['-c', pkg.scripts.prestart!], { cwd: dir, encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('stops before node and says what to run instead of a MODULE_NOT_FOUND stack', () => {
    const result = prestart(false);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('npm run build');
    expect(result.stderr).toContain('npm run demo');
    expect(result.stderr).not.toMatch(/MODULE_NOT_FOUND|at Module\./);
  });

  it('lets npm start go on once the build exists', () => {
    expect(prestart(true)).toMatchObject({ status: 0, stderr: '' });
  });
});
