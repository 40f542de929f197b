// The build context docker-build sees, with file modes normalised (issue #20 item 7). docker-build decides whether
// to rebuild from a hash of the context that includes each file's full mode string (pulumi-docker-build
// provider/internal/context.go, hashFile: `h.Write([]byte(fileMode.String()))`), and Docker's COPY keeps those
// modes in the image. A checkout made with umask 002 (group-writable files, the default on many laptops) therefore
// differs from CI's umask 022 checkout: an `up` from that laptop rebuilds the image, pushes a new digest and rolls
// every region, with no change to the code. So the program hands docker-build a copy of exactly the files
// contentTag hashes, each 0644 or 0755 (by its executable bit, as contentTag counts it), directories 0755, and one
// fixed modification time, at a path that is the same on every machine.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { type BuildContext, contextFiles } from './build-context.js';

/** Where the staged copy lives, relative to the build context root (ignored by git and by .dockerignore). */
export const STAGED_CONTEXT_DIR = '.image-context';
/** Every staged file's mtime: layers then do not depend on when the checkout was made. */
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

function modeOf(executable: boolean): number {
  return executable ? 0o755 : 0o644;
}

function sameFile(target: string, body: Buffer): boolean {
  if (!existsSync(target)) return false;
  const stat = lstatSync(target);
  return stat.isFile() && stat.size === body.length && readFileSync(target).equals(body);
}

/** Files and directories under `dir` (relative, POSIX separators). */
function listTree(dir: string, rel = ''): { files: string[]; dirs: string[] } {
  const out = { files: [] as string[], dirs: [] as string[] };
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const below = listTree(dir, child);
      out.files.push(...below.files);
      out.dirs.push(...below.dirs, child);
    } else {
      out.files.push(child);
    }
  }
  return out;
}

/**
 * Copies the files of `context` that Docker would receive into `<root>/<STAGED_CONTEXT_DIR>` with normalised
 * modes and times (unchanged files are left alone, files no longer in the context are removed), and returns the
 * staged context. The Dockerfile goes along even if .dockerignore lists it.
 */
export function stageBuildContext(context: BuildContext): BuildContext {
  const stagedRoot = path.join(context.root, STAGED_CONTEXT_DIR);
  // Never the staged copy itself, whatever .dockerignore says.
  const files = new Set(contextFiles(context.root).filter((rel) => !rel.startsWith(`${STAGED_CONTEXT_DIR}/`)));
  files.add(context.dockerfile);
  mkdirSync(stagedRoot, { recursive: true });
  for (const rel of files) {
    const source = path.join(context.root, rel);
    const target = path.join(stagedRoot, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) {
      const link = readlinkSync(source);
      if (!existsSync(target) || !lstatSync(target).isSymbolicLink() || readlinkSync(target) !== link) {
        rmSync(target, { force: true, recursive: true });
        symlinkSync(link, target);
      }
      continue;
    }
    const body = readFileSync(source);
    if (!sameFile(target, body)) {
      // Written aside and renamed into place: another run staging at the same time never reads half a file.
      const partial = `${target}.${process.pid}.partial`;
      writeFileSync(partial, body);
      rmSync(target, { force: true, recursive: true });
      renameSync(partial, target);
    }
    chmodSync(target, modeOf((stat.mode & 0o111) !== 0));
    utimesSync(target, FIXED_MTIME, FIXED_MTIME);
  }
  const staged = listTree(stagedRoot);
  for (const rel of staged.files) {
    if (!files.has(rel) && !rel.endsWith('.partial')) rmSync(path.join(stagedRoot, rel), { force: true });
  }
  // Deepest first, so a directory emptied above goes too.
  for (const rel of staged.dirs.sort((a, b) => b.length - a.length)) {
    const dir = path.join(stagedRoot, rel);
    if (!existsSync(dir)) continue;
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
    else chmodSync(dir, 0o755);
  }
  chmodSync(stagedRoot, 0o755);
  return { ...context, root: stagedRoot };
}
