// Programmatic `npm run build:web` for tests: product images, then the Vite build (budget check included).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { generateProductImages } from './generate-images.js';

export const WEB_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

export async function buildWeb(outDir = DIST_DIR, logLevel: 'info' | 'warn' = 'warn'): Promise<string> {
  await generateProductImages();
  // Vite takes NODE_ENV from the environment, and vitest sets it to "test": build what production ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      mode: 'production',
      logLevel,
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

/** Everything the build reads; a change to any of it means web/dist is stale. */
async function inputsDigest(): Promise<string> {
  const roots = ['src', 'build', 'public/assets', 'index.html', 'vite.config.ts', '../prisma/catalog.ts'].map((p) =>
    join(WEB_ROOT, p),
  );
  const hash = createHash('sha256');
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => null);
    if (!info) return;
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await visit(join(path, name));
    } else if (!path.endsWith('.tmp')) {
      hash.update(path).update(await readFile(path));
    }
  };
  for (const root of roots) await visit(root);
  return hash.digest('hex');
}

/** Runs `fn` while holding a lock directory, so test files in parallel workers never build web/dist at once. */
async function withLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = await stat(lockDir).catch(() => null);
      // A worker that died mid-build leaves its lock behind; no build takes this long.
      if (held && Date.now() - held.mtimeMs > timeoutMs) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${lockDir}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/**
 * web/dist built from the current sources: built at most once however many test files ask (in parallel
 * workers), and never rebuilt under a running server unless a source changed. `force` always rebuilds
 * (`npm run build:web`); either way the stamp it leaves lets later callers skip the work.
 */
export async function ensureWebBuild(options: { force?: boolean; logLevel?: 'info' | 'warn' } = {}): Promise<string> {
  return withLock(join(WEB_ROOT, '.build.lock'), async () => {
    await generateProductImages();
    const digest = await inputsDigest();
    const stampFile = join(DIST_DIR, '.build-stamp');
    const stamp = await readFile(stampFile, 'utf8').catch(() => null);
    if (!options.force && stamp === digest && existsSync(join(DIST_DIR, 'index.html'))) return DIST_DIR;
    await buildWeb(DIST_DIR, options.logLevel);
    await writeFile(stampFile, digest);
    return DIST_DIR;
  });
}

// `npm run build:web`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuild({ force: true, logLevel: 'info' });
}
