// The routes infra/global/edge-caching.ts lists as able to set a cookie (what the policy pack keeps off any
// CloudFront behaviour that caches their method) are the service's own: each exists as declared, and every
// /api route outside the shared catalog is on the list. A route renamed or added in the session scope without
// updating the list fails here, not silently in the policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE_SETTING_ROUTES } from '../../infra/global/edge-caching.js';
import { createTestContext, type TestContext } from './helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/**
 * Every method and route of the app, rebuilt from Fastify's route tree (printRoutes): each line is a segment
 * appended to its parent's path, its depth given by where the "── " of the tree drawing sits.
 */
function routesOf(tree: string): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const pathAt: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.indexOf('── ');
    const m = /^(\S+) \(([A-Z, ]+)\)$/.exec(line.slice(at + 3).trim());
    if (at < 0 || !m) continue;
    const depth = (at - 1) / 4; // the "── " follows a ├ or └ at 4 characters per level
    const url = (depth === 0 ? '' : pathAt[depth - 1]!) + m[1]!;
    pathAt[depth] = url;
    for (const method of m[2]!.split(', ')) routes.push({ method, url });
  }
  return routes;
}

describe('the cookie-setting routes of the edge policy', () => {
  it('each exists in the service as declared', () => {
    for (const { method, url } of COOKIE_SETTING_ROUTES) {
      expect(ctx.app.hasRoute({ method, url }), `${method} ${url}`).toBe(true);
    }
  });

  it('every /api route except the shared catalog reads is on the list', () => {
    const all = routesOf(ctx.app.printRoutes({ commonPrefix: false }));
    // The reading itself: the tree has the catalog's and the upload's full paths.
    expect(all).toContainEqual({ method: 'GET', url: '/api/products/:id' });
    expect(all).toContainEqual({ method: 'POST', url: '/api/products/:id/image-upload' });
    const catalogReads = new Set([
      'GET /api/products',
      'GET /api/products/:id',
      'HEAD /api/products',
      'HEAD /api/products/:id',
    ]);
    const listed = new Set(COOKIE_SETTING_ROUTES.map((r) => `${r.method} ${r.url}`));
    const missing = all
      .filter((r) => r.url.startsWith('/api/') && !['HEAD', 'OPTIONS'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !catalogReads.has(r) && !listed.has(r));
    expect(missing).toEqual([]);
  });
});
