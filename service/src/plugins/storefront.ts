// Serves the built storefront (web/dist) at `/` when it exists, so one process shows the whole shop locally
// (`npm run demo`) and an instance can answer page requests CloudFront sends to the origin.
// - Files Vite content-hashed (listed in web/dist/.vite/manifest.json) are cached for a year, immutable.
// - index.html, the page shell, is the same for everyone: browsers revalidate it every time, shared caches keep it
//   briefly (http-caching.ts), so a deploy reaches every shopper within the edge's fresh + revalidate windows.
// - Other files (generated product images) get a short cache: their names do not change with their content.
// - Page paths the SPA knows (/cart, /products/:id, ...) get index.html when the browser asks for HTML;
//   /api, /health, /ready, /metrics, /docs and file-like paths never do, so they keep their real 404s.
// Only one route per existing file is registered (wildcard: false), so nothing here can shadow a service route.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SHARED_CACHE_CONTROL, sharedOnlyWithoutCookies } from '../http-caching.js';

export interface StorefrontOptions {
  /** The Vite build output; web/dist of this checkout by default. */
  distDir?: string;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_PAGE_SHELL = SHARED_CACHE_CONTROL;
export const CACHE_SHORT = 'public, max-age=3600';

/** Paths the service owns; the SPA fallback never answers under them. */
const SERVICE_PATHS = /^\/(?:api|health|ready|metrics|docs|assets)(?:\/|$)/;

/** dist-relative POSIX paths of the files Vite named by content hash. */
export function hashedFiles(distDir: string): Set<string> {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) return new Set();
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
    string,
    { file: string; css?: string[]; assets?: string[]; isEntry?: boolean }
  >;
  const files = new Set<string>();
  for (const chunk of Object.values(manifest)) {
    // The HTML entry itself (index.html) is in the manifest only as a source; its output is not hashed.
    if (!chunk.file.endsWith('.html')) files.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
  }
  return files;
}

export function cacheControlFor(relativePath: string, hashed: Set<string>): string {
  if (hashed.has(relativePath)) return CACHE_IMMUTABLE;
  if (relativePath.endsWith('.html')) return CACHE_PAGE_SHELL;
  return CACHE_SHORT;
}

function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?', 1)[0] ?? '/';
  if (path === '/') return true;
  if (SERVICE_PATHS.test(path)) return false;
  // /foo.js, /favicon.ico: a missing file, not a page.
  if (/\.[A-Za-z0-9]+$/.test(path)) return false;
  return request.headers.accept?.includes('text/html') ?? false;
}

async function storefront(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_DIST_DIR;
  if (!existsSync(join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'storefront not built (npm run build:web); serving the API only');
    return;
  }
  const hashed = hashedFiles(distDir);

  // A child context keeps @fastify/static's reply decorations to itself; its routes are still global.
  await app.register(async (site) => {
    // The page shell is shared by caches: should anything ever add a cookie to it, it stops being shareable.
    site.addHook('onSend', sharedOnlyWithoutCookies);
    await site.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false,
      index: false,
      serveDotFiles: false,
      cacheControl: false,
      etag: true,
      schemaHide: true,
      lastModified: true,
      setHeaders(reply, filePath) {
        reply.header('cache-control', cacheControlFor(relative(distDir, filePath).split(sep).join('/'), hashed));
      },
    });

    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!wantsPage(request)) return reply.callNotFound();
      return reply.sendFile('index.html');
    };
    // Pages are not part of the API: keep them out of the OpenAPI document.
    site.get('/', { schema: { hide: true } }, page);
    site.get('/*', { schema: { hide: true } }, page);
  });
}

export default fp(storefront, { name: 'edgecart-storefront', fastify: '5.x' });
