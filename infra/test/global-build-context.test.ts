// The image tag is a hash of what Docker would build from. With immutable ECR tags a wrong hash is costly
// either way: missing a change reuses an old image, and hashing noise pushes a new tag on every `up`.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BuildContext, contentTag, contextFiles } from '../global/build-context.js';
import { REPO_ROOT } from '../global/image.js';

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
    ];
    for (const file of files) for (const re of forbidden) expect(file).not.toMatch(re);
  });
});
