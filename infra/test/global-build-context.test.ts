// The image tag is a hash of what Docker would build from. A wrong hash is costly either way: missing a change
// reuses an old image, and hashing noise pushes a new digest (and rolls every region) on every `up`. The same goes
// for the context docker-build itself hashes: it is staged with normalised modes (staged-context.ts).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BuildContext, contentTag, contextFiles } from '../global/build-context.js';
import { REPO_ROOT } from '../global/image.js';
import { STAGED_CONTEXT_DIR, stageBuildContext } from '../global/staged-context.js';

describe('contentTag', () => {
  let root: string;
  let context: BuildContext;
  const write = (rel: string, body: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), body);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'edgecart-context-'));
    context = { root, dockerfile: 'service/Dockerfile', platform: 'linux/amd64' };
    write('service/Dockerfile', 'FROM node:22-bookworm-slim\n');
    write('service/src/server.ts', 'console.log(1);\n');
    write('package.json', '{}\n');
    write('.dockerignore', '# comment\n**/node_modules\ninfra\n**/*.test.ts\n.env\ndocs\n!docs/keep.md\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is stable for the same content and shaped like an ECR tag', () => {
    const tag = contentTag(context);
    expect(tag).toMatch(/^ctx-[0-9a-f]{16}$/);
    expect(contentTag(context)).toBe(tag);
  });

  it('changes when a file that goes into the image changes', () => {
    const before = contentTag(context);
    write('service/src/server.ts', 'console.log(2);\n');
    expect(contentTag(context)).not.toBe(before);
  });

  it('changes when a file is added, the Dockerfile changes, the platform changes or a file becomes executable', () => {
    const before = contentTag(context);
    write('service/src/new.ts', 'export {};\n');
    const added = contentTag(context);
    expect(added).not.toBe(before);
    write('service/Dockerfile', 'FROM node:22-bookworm-slim\nUSER node\n');
    const dockerfile = contentTag(context);
    expect(dockerfile).not.toBe(added);
    expect(contentTag({ ...context, platform: 'linux/arm64' })).not.toBe(dockerfile);
    chmodSync(path.join(root, 'service/src/new.ts'), 0o755);
    expect(contentTag(context)).not.toBe(dockerfile);
  });

  it('ignores what .dockerignore keeps out of the context, with Docker matching rules', () => {
    const before = contentTag(context);
    write('node_modules/x/index.js', 'x');
    write('service/node_modules/y.js', 'y');
    write('infra/global/index.ts', 'changed');
    write('service/src/app.test.ts', 'test');
    write('.env', 'SECRET=1');
    write('docs/deploy.md', 'guide');
    expect(contentTag(context)).toBe(before);
    // `infra` is anchored at the root in .dockerignore (unlike .gitignore): a nested one is still sent.
    write('service/infra/keep.ts', 'kept');
    expect(contextFiles(root)).toContain('service/infra/keep.ts');
    // An exception re-includes a file inside an excluded directory, as Docker does.
    write('docs/keep.md', 'kept');
    expect(contextFiles(root)).toContain('docs/keep.md');
    expect(contextFiles(root)).not.toContain('docs/deploy.md');
  });
});

describe('the repository build context', () => {
  const files = contextFiles(REPO_ROOT);

  it('sends the service, its manifests and the Prisma schema', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'prisma.config.ts',
        'prisma/schema.prisma',
        'service/Dockerfile',
        'service/docker-entrypoint.sh',
        'service/src/server.ts',
      ]),
    );
  });

  it('keeps secrets, dependencies, infrastructure and tests out', () => {
    const forbidden = [
      /^\.git\//,
      /(^|\/)node_modules\//,
      /(^|\/)\.env/,
      /^infra\//,
      /^Pulumi\./,
      /\.test\.ts$/,
      /^service\/src\/generated\//,
      /^\.github\//,
      /^\.image-context\//,
    ];
    for (const file of files) for (const re of forbidden) expect(file).not.toMatch(re);
  });
});

/**
 * docker-build's context hash, as its Diff computes it (pulumi-docker-build provider/internal/context.go, hashPath
 * and hashFile): per regular file, its bytes, its relative path and Go's FileMode.String() (e.g. `-rw-rw-r--`).
 */
function dockerBuildHash(root: string): string {
  const h = createHash('sha256');
  const modeString = (mode: number) =>
    `-${[6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => ((mode >> shift) & (4 >> i) ? c : '-')).join('')).join('')}`;
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(path.join(root, child));
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile())
        h.update(readFileSync(path.join(root, child)))
          .update(child)
          .update(modeString(stat.mode));
    }
  };
  walk('');
  return h.digest('hex');
}

describe('stageBuildContext', () => {
  const checkout = (fileMode: number, execMode: number) => {
    const root = mkdtempSync(path.join(tmpdir(), 'edgecart-checkout-'));
    const write = (rel: string, body: string, mode: number) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), body);
      chmodSync(path.join(root, rel), mode);
    };
    // As the repository's: the staged copy is never part of the context it is staged from.
    write('.dockerignore', 'infra\n.image-context\n', fileMode);
    write('service/Dockerfile', 'FROM node:22-bookworm-slim\n', fileMode);
    write('service/src/server.ts', 'console.log(1);\n', fileMode);
    write('service/docker-entrypoint.sh', '#!/bin/sh\n', execMode);
    write('infra/index.ts', 'not in the image', fileMode);
    return { root, dockerfile: 'service/Dockerfile', platform: 'linux/amd64' } satisfies BuildContext;
  };
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('gives docker-build the same context hash from a umask 002 checkout as from a umask 022 one', () => {
    const laptop = checkout(0o664, 0o775);
    const ci = checkout(0o644, 0o755);
    roots.push(laptop.root, ci.root);
    // Unstaged, the two checkouts differ to docker-build: it would rebuild and roll every region.
    expect(dockerBuildHash(laptop.root)).not.toBe(dockerBuildHash(ci.root));
    const a = stageBuildContext(laptop);
    const b = stageBuildContext(ci);
    expect(a.root).toBe(path.join(laptop.root, STAGED_CONTEXT_DIR));
    expect(dockerBuildHash(a.root)).toBe(dockerBuildHash(b.root));
    // The executable bit survives (contentTag counts it; the entrypoint needs it), the rest is 0644 / 0755.
    const mode = (rel: string) => statSync(path.join(a.root, rel)).mode & 0o777;
    expect(mode('service/docker-entrypoint.sh')).toBe(0o755);
    expect(mode('service/src/server.ts')).toBe(0o644);
    expect(mode('service')).toBe(0o755);
    expect(statSync(path.join(a.root, 'service/src/server.ts')).mtime.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    // Only what Docker would receive, and the same content tag as the checkout.
    expect(contextFiles(a.root)).toEqual([
      '.dockerignore',
      'service/Dockerfile',
      'service/docker-entrypoint.sh',
      'service/src/server.ts',
    ]);
    expect(contentTag(a)).toBe(contentTag(laptop));
  });

  it('follows the checkout on the next run: changed files rewritten, removed ones gone', () => {
    const ci = checkout(0o644, 0o755);
    roots.push(ci.root);
    const staged = stageBuildContext(ci);
    writeFileSync(path.join(ci.root, 'service/src/server.ts'), 'console.log(2);\n');
    rmSync(path.join(ci.root, 'service/docker-entrypoint.sh'));
    stageBuildContext(ci);
    expect(readFileSync(path.join(staged.root, 'service/src/server.ts'), 'utf8')).toBe('console.log(2);\n');
    expect(contextFiles(staged.root)).not.toContain('service/docker-entrypoint.sh');
    expect(contentTag(staged)).toBe(contentTag(ci));
  });
});
