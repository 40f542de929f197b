// A tag derived from exactly what goes into the image. The tag must change whenever the build would change and
// stay put otherwise (an unchanged tag is what lets docker-build skip the build and every region keep its digest;
// tags are mutable, registry.ts, but what runs is pinned by digest): it hashes the Dockerfile, the platform and
// every file of the build context that .dockerignore lets through, with Docker's own matching rules.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';

// A CommonJS package typed with `export default`: under Node's ESM loader the default import is the factory.
type IgnoreFactory = typeof dockerignore.default;
const ignore: IgnoreFactory =
  typeof dockerignore === 'function' ? (dockerignore as unknown as IgnoreFactory) : dockerignore.default;

export interface BuildContext {
  /** Absolute path of the build context directory. */
  root: string;
  /** Dockerfile path relative to `root`. */
  dockerfile: string;
  platform: string;
}

/** The .dockerignore patterns of a context, as Docker reads them (comments and blanks dropped). */
export function dockerignorePatterns(root: string): string[] {
  const file = path.join(root, '.dockerignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Context-relative paths (POSIX separators, sorted) of every file Docker would send to the builder. */
export function contextFiles(root: string): string[] {
  const patterns = dockerignorePatterns(root);
  const ig = ignore().add(patterns);
  // Docker keeps descending into an excluded directory only if an exception pattern may re-include
  // something below it (moby's archive walker does the same prefix test).
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\/+/, ''));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      const excluded = ig.ignores(rel);
      if (entry.isDirectory()) {
        if (excluded && !exceptions.some((e) => `${e}/`.startsWith(`${rel}/`))) continue;
        walk(rel);
      } else if (!excluded) {
        files.push(rel);
      }
    }
  };
  walk('');
  return files.sort();
}

/** `ctx-` and 16 hex digits of a SHA-256 over the Dockerfile, the platform and the context's files. */
export function contentTag(context: BuildContext): string {
  const hash = createHash('sha256');
  hash.update(`platform\0${context.platform}\n`);
  hash.update(`dockerfile\0${context.dockerfile}\0`);
  hash.update(readFileSync(path.join(context.root, context.dockerfile)));
  hash.update('\n');
  for (const rel of contextFiles(context.root)) {
    const abs = path.join(context.root, rel);
    const stat = lstatSync(abs);
    // Docker copies symlinks as links and keeps the executable bit, so both are part of the content.
    const body = stat.isSymbolicLink() ? `link:${readlinkSync(abs)}` : readFileSync(abs);
    const fileHash = createHash('sha256').update(body).digest('hex');
    hash.update(`${rel}\0${stat.mode & 0o111 ? 'x' : '-'}\0${fileHash}\n`);
  }
  return `ctx-${hash.digest('hex').slice(0, 16)}`;
}
