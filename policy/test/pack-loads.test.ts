// The pack starts the way `pulumi preview --policy-pack policy` starts it: the CLI's language host runs
// @pulumi/pulumi's policy-pack runner with the engine address and the pack directory, in that directory, and
// waits for the analyzer's gRPC port on stdout (pulumi-language-nodejs RunPlugin; @pulumi/policy server.js).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const PACK_DIR = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const RUNNER = join(dirname(require.resolve('@pulumi/pulumi/package.json')), 'cmd', 'run-policy-pack', 'index.js');

describe('the policy pack as the Pulumi CLI loads it', () => {
  it('has the project files a local policy pack needs', () => {
    const manifest = parse(readFileSync(join(PACK_DIR, 'PulumiPolicy.yaml'), 'utf8'));
    expect(manifest.runtime.name).toBe('nodejs');
    const pkg = JSON.parse(readFileSync(join(PACK_DIR, 'package.json'), 'utf8'));
    // PolicyPack reads the version from the package.json of the working directory (@pulumi/policy policy.js).
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(PACK_DIR, pkg.main), 'utf8')).toContain("'./index.ts'");
  });

  it('starts its analyzer and prints the gRPC port', async () => {
    // The engine address is never dialled before the engine itself calls the analyzer.
    const child = spawn(process.execPath, [RUNNER, '127.0.0.1:1', PACK_DIR], {
      cwd: PACK_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          const m = /^(\d+)\s*$/m.exec(stdout);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`the pack exited with ${code} before serving: ${stderr}`)));
      });
      expect(port).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  }, 60_000);
});
