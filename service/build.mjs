// `npm run build`: the production build of the service, run by `npm start` and the image (no tsx at run time).
// esbuild bundles service/src (the generated Prisma client and the dependencies included) into one ES module,
// because start-up was spent resolving and reading hundreds of small module files: measured on the bench
// machine, a bundle reaches /health 200 in about two thirds of the time of the same code compiled file by file
// with tsc. Type checking stays with `npm run typecheck` (esbuild strips types only).
// The output mirrors the source path (dist/service/src/), so paths relative to a module still hold (the
// storefront finds ../../../web/dist).
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = new URL('../dist/service/src/', import.meta.url).pathname;
// Built aside, then moved in file by file (rename is atomic): a service started from dist/ meanwhile, or another
// build running at the same time, never reads a half-written file.
const staging = new URL(`../dist/.build-${process.pid}/`, import.meta.url).pathname;

const common = { platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: [new URL('src/server.ts', import.meta.url).pathname],
  outdir: staging,
  bundle: true,
  format: 'esm',
  // Modules the service imports on first use (the S3 SDK, for uploads) go into chunks of their own, read only then.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Whitespace and syntax minified (smaller source parses faster), identifiers not: names then stay as written
  // (error classes are told apart by name in logs) without esbuild's keepNames, which wraps every named closure
  // in an Object.defineProperty(fn, 'name') call each time it is created: per request in Fastify's own code
  // (about 2 % of a cached read's CPU in a profile, and it turns the functions' maps dictionary-like).
  minifyWhitespace: true,
  minifySyntax: true,
  external: [
    '@node-rs/argon2', // loads its prebuilt .node binary for this platform at run time
    '@fastify/swagger-ui', // serves files from its own package directory
    'pg-native', // optional in pg, not installed
  ],
  // Bundled CommonJS dependencies call require() for Node's built-ins; ES modules have no require of their own.
  banner: {
    js: "import { createRequire as __edgecartRequire } from 'node:module'; const require = __edgecartRequire(import.meta.url);",
  },
});

// The entry point stays a separate CommonJS file: it must set UV_THREADPOOL_SIZE before anything starts the pool.
await build({
  ...common,
  entryPoints: [new URL('src/main.cts', import.meta.url).pathname],
  outfile: `${staging}main.cjs`,
  format: 'cjs',
});

await mkdir(`${outdir}chunks`, { recursive: true });
// Chunks first (their names carry a content hash, so they never replace a file an older bundle reads), then the
// bundle, then its entry point, so a new main.cjs never starts an older server.js.
const chunks = await readdir(`${staging}chunks`).catch(() => []);
for (const chunk of chunks) await rename(`${staging}chunks/${chunk}`, `${outdir}chunks/${chunk}`);
const files = (await readdir(staging, { withFileTypes: true }))
  .filter((entry) => entry.isFile())
  .map((entry) => entry.name)
  .sort((a, b) => Number(a.startsWith('main')) - Number(b.startsWith('main')));
for (const file of files) await rename(`${staging}${file}`, `${outdir}${file}`);
await rm(staging, { recursive: true, force: true });
// Chunks of earlier builds are referenced by nothing now.
for (const chunk of await readdir(`${outdir}chunks`)) {
  if (!chunks.includes(chunk)) await rm(`${outdir}chunks/${chunk}`, { force: true });
}
