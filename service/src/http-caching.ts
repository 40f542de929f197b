// What shared caches (CloudFront, the lab's nginx edge) may do with each answer (issue #22). Two kinds only:
// - the catalog and the page shell, the same for everyone: a shared cache keeps them briefly, refreshes them in
//   the background, and serves its last copy while the origin errors (a region being lost);
// - everything else (cart, orders, account, anything that sets a cookie, every error): `private, no-store`,
//   the default of every response (app.ts), so a route has to opt in to be shared, never out.
// Directives as RFC 9111 §5.2.2 (s-maxage) and RFC 5861 (stale-while-revalidate, stale-if-error) define them;
// CloudFront honours all four for the shared cache within the cache policy's TTL bounds (infra/global/edge.ts).
import type { onSendHookHandler } from 'fastify';

/**
 * How long an edge copy is fresh. 30 s keeps what an admin change adds at the edge below the service's own
 * regional staleness (CACHE_TTL_SECONDS 60, served stale as long again in the other regions), while one edge
 * location asks its origin for a page at most twice a minute however many shoppers read it.
 */
export const EDGE_FRESH_SECONDS = 30;

/** After that, the copy is served while one background request refreshes it: no shopper waits for the origin. */
export const EDGE_REVALIDATE_SECONDS = 30;

/**
 * How long an edge keeps serving its last copy while the origin answers 5xx or not at all: longer than an
 * unplanned regional failover takes in AWS (readiness alarm 3 min + DNS 60 s to leave, the operator's decision and
 * the global database failover, 4 min to come back: docs/multi-region.md, "The catalog from the edge"), with room.
 */
export const EDGE_STALE_IF_ERROR_SECONDS = 3_600;

/**
 * Catalog reads and the page shell. `max-age=0`: a browser revalidates (it has no stale-if-error duty), only
 * shared caches keep the copy for s-maxage.
 */
export const SHARED_CACHE_CONTROL = `public, max-age=0, s-maxage=${EDGE_FRESH_SECONDS}, stale-while-revalidate=${EDGE_REVALIDATE_SECONDS}, stale-if-error=${EDGE_STALE_IF_ERROR_SECONDS}`;

/** Personal answers and errors: no cache anywhere may store them. */
export const PRIVATE_NO_STORE = 'private, no-store';

/**
 * The longest a shopper may see a catalog answer (stock, price, name) that is out of date, in seconds, after the
 * change reached the database, layer by layer: the region's own cache in a region that did not make the change
 * (fresh with +10 % jitter, then stale as long again: cache.ts; the region that made it drops its copy at once),
 * the edge (fresh, then served while it revalidates), and the browser (max-age=0, but it may use its copy for the
 * stale-while-revalidate window while it revalidates). While the origin is failing, stale-if-error extends it.
 * Checkout judges stock and prices on locked rows either way, so a stale page never sells what is not there.
 */
export function maxCatalogStalenessSeconds(regionalCacheTtlSeconds: number): number {
  const region = Math.ceil(regionalCacheTtlSeconds * 1.1) + regionalCacheTtlSeconds;
  const edge = EDGE_FRESH_SECONDS + EDGE_REVALIDATE_SECONDS;
  const browser = EDGE_REVALIDATE_SECONDS;
  return region + edge + browser;
}

/**
 * onSend hook of the shared routes (app.ts): an answer that carries a Set-Cookie, or is an error, is never
 * shareable, whatever its route set. The catalog and the page run outside the session scope, so this should never
 * fire; it is the second lock (CloudFront with a cookie forwarded to the origin caches Set-Cookie with the object:
 * CloudFront Developer Guide, "Request and response behavior for custom origins", Cookies).
 */
export const sharedOnlyWithoutCookies: onSendHookHandler = (_request, reply, payload, done) => {
  if (reply.statusCode >= 400 || reply.hasHeader('set-cookie')) reply.header('cache-control', PRIVATE_NO_STORE);
  done(null, payload);
};
