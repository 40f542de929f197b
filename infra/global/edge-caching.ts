// What CloudFront may keep near the shopper (issue #22): the catalog reads and the page shell, which the service
// marks `public, max-age=0, s-maxage=30, stale-while-revalidate=30, stale-if-error=3600` (service/src/
// http-caching.ts). Everything else under /api stays on Managed-CachingDisabled (edge.ts).
//
// How CloudFront reads those headers (CloudFront Developer Guide, "Manage how long content stays in the cache
// (expiration)", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html):
// - With Minimum TTL 0, an object with `s-maxage` is cached for the lesser of s-maxage and Maximum TTL; `max-age`
//   is then the browser's alone. With `no-store`/`no-cache`/`private`, CloudFront does not cache it, *unless*
//   Minimum TTL > 0, which would cache every personal answer and error for that long: Minimum TTL is 0 here, and
//   the policy pack refuses anything else (policy/edge-caching.ts).
// - Default TTL applies only when the origin sends no Cache-Control/Expires: 0, so an answer that forgot to say
//   it is shareable is not shared.
// - `stale-while-revalidate` and `stale-if-error` are honoured from the origin's Cache-Control since May 2023
//   (https://aws.amazon.com/about-aws/whats-new/2023/05/amazon-cloudfront-stale-while-revalidate-stale-if-error-cache-control-directives/):
//   no setting here; stale-if-error covers origin answers 500, 502, 503, 504 and origins that cannot be reached,
//   after CloudFront's connection attempts or read timeout (edge.ts keeps those short on the API origin).
//
// How admin changes reach the edge: bounded staleness, no invalidation. An edge copy is at most s-maxage +
// stale-while-revalidate old (60 s; Maximum TTL caps s-maxage at 60 s even if the origin asked for more), on top
// of the regional cache's own bound (README, "Behaviour worth knowing": 216 s in all). Invalidations would cost
// a path each beyond the free 1,000 a month per account, $0.005 per path after that (CloudFront Developer Guide,
// "Pay for file invalidation"); one product change touches its product path and every list page that shows it,
// i.e. `/api/products*`, a wildcard that drops every list page at every edge location at once and sends the next
// request for each to the origin; they take minutes to propagate and an admin editing all day would pay for each.
// Checkout judges stock and prices on locked rows, so a minute-old catalog page is harmless.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** The catalog reads: the list (each page) and one product. Ordered behaviours, before `/api/*`. */
export const CATALOG_PATH_PATTERNS = ['/api/products', '/api/products/*'] as const;

/**
 * The only query strings the catalog reads vary on (service/src/schemas/products.ts: limit, cursor). Every other
 * query string is dropped from the cache key and from the request to the origin, so `?utm_source=…` cannot split
 * the cache or reach the service. A whitelist has at most 10 names by default (CloudFront Developer Guide, Quotas,
 * "Query strings per cache policy").
 */
export const CATALOG_QUERY_STRINGS = ['limit', 'cursor'] as const;

/**
 * The session cookie (service/src/plugins/session.ts). Forwarded to the origin on the catalog paths only so that
 * the admin's writes to the same paths (POST /api/products, PATCH /api/products/:id) keep their session; never part
 * of the cache key. The catalog GETs are answered without a session and never set a cookie (service/test/
 * http-caching.test.ts), and an answer with a Set-Cookie is `no-store` (service/src/http-caching.ts), which
 * CloudFront does not cache at Minimum TTL 0: a forwarded cookie is cached with the object otherwise
 * (CloudFront Developer Guide, "Request and response behavior for custom origins", Cookies).
 */
export const SESSION_COOKIE_NAME = 'sid';

/**
 * Headers the admin's writes on the catalog paths need at the origin: the body's type, and what the CSRF check
 * reads (Origin, Sec-Fetch-Site). Not in the cache key; the catalog GETs do not vary on them.
 */
export const CATALOG_ORIGIN_HEADERS = ['Content-Type', 'Origin', 'Sec-Fetch-Site'] as const;

/**
 * The routes whose answers can set a cookie: every route of the session scope of service/src/app.ts (sign-in,
 * cart, orders, the admin's writes, uploads), as Fastify declares them (service/test/cookie-routes.test.ts
 * checks each one exists). No behaviour that may cache a route's method may be the first to match its path
 * (policy/edge-caching.ts): CloudFront caches only the methods of a behaviour's `cachedMethods` (GET and HEAD,
 * optionally OPTIONS; CloudFront Developer Guide, "Cache behavior settings", Cached HTTP methods), so a POST
 * under the catalog's behaviour is never kept, while a GET would be.
 */
export const COOKIE_SETTING_ROUTES = [
  { method: 'POST', url: '/api/auth/register' },
  { method: 'POST', url: '/api/auth/login' },
  { method: 'POST', url: '/api/auth/logout' },
  { method: 'POST', url: '/api/auth/logout-everywhere' },
  { method: 'GET', url: '/api/auth/me' },
  { method: 'GET', url: '/api/cart' },
  { method: 'PUT', url: '/api/cart/items/:productId' },
  { method: 'DELETE', url: '/api/cart/items/:productId' },
  { method: 'POST', url: '/api/orders' },
  { method: 'GET', url: '/api/orders' },
  { method: 'GET', url: '/api/orders/:id' },
  { method: 'POST', url: '/api/products' },
  { method: 'PATCH', url: '/api/products/:id' },
  { method: 'POST', url: '/api/products/:id/image-upload' },
] as const;

/** A path a request for `url` may have (each `:param` filled in), to match against behaviours' patterns. */
export function examplePath(url: string): string {
  return url.replace(/:(\w+)/g, 'any-$1');
}

/**
 * Caps what the origin may ask for: an edge copy is fresh at most this long, whatever s-maxage says, so the
 * bounded staleness above holds even if a release sends a longer s-maxage by mistake.
 */
export const EDGE_MAX_TTL_SECONDS = 60;

export interface EdgeCachingArgs {
  /** Prefix of account-wide names, e.g. edgecart-global. */
  namePrefix: string;
}

export interface EdgeCachePolicies {
  catalogCachePolicyId: pulumi.Output<string>;
  catalogOriginRequestPolicyId: pulumi.Output<string>;
  pageCachePolicyId: pulumi.Output<string>;
  pageOriginRequestPolicyId: pulumi.Output<string>;
}

/** TTLs that let the origin decide within [0, EDGE_MAX_TTL_SECONDS], and nothing cached that did not ask. */
const ORIGIN_DECIDES = { minTtl: 0, defaultTtl: 0, maxTtl: EDGE_MAX_TTL_SECONDS };

/**
 * Compressed variants in the cache key: CloudFront normalises Accept-Encoding to gzip/br and compresses itself
 * (the behaviours set `compress`; the service does not compress).
 */
const COMPRESSED = { enableAcceptEncodingBrotli: true, enableAcceptEncodingGzip: true };

/** The cache and origin-request policies of the catalog and the page shell (in the edge's us-east-1 provider). */
export function edgeCachePolicies(
  name: string,
  args: EdgeCachingArgs,
  opts: pulumi.CustomResourceOptions,
): EdgeCachePolicies {
  const catalog = new aws.cloudfront.CachePolicy(
    `${name}-catalog`,
    {
      name: `${args.namePrefix}-catalog`,
      comment: 'Catalog reads: path + limit + cursor; no cookies, no headers; TTL from the origin, at most 60 s',
      ...ORIGIN_DECIDES,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: 'none' },
        headersConfig: { headerBehavior: 'none' },
        queryStringsConfig: { queryStringBehavior: 'whitelist', queryStrings: { items: [...CATALOG_QUERY_STRINGS] } },
        ...COMPRESSED,
      },
    },
    opts,
  );
  const catalogRequests = new aws.cloudfront.OriginRequestPolicy(
    `${name}-catalog`,
    {
      name: `${args.namePrefix}-catalog`,
      comment: "Catalog paths: the cache key's query strings, plus the session cookie and headers of admin writes",
      cookiesConfig: { cookieBehavior: 'whitelist', cookies: { items: [SESSION_COOKIE_NAME] } },
      headersConfig: { headerBehavior: 'whitelist', headers: { items: [...CATALOG_ORIGIN_HEADERS] } },
      // The cache key's query strings are forwarded anyway; nothing else.
      queryStringsConfig: { queryStringBehavior: 'none' },
    },
    opts,
  );
  // The page shell is one file for every page path (the SPA routes in the browser): path only. The service
  // answers a page path with the shell only to browsers asking for HTML and 404s (no-store, never cached) others.
  const pages = new aws.cloudfront.CachePolicy(
    `${name}-pages`,
    {
      name: `${args.namePrefix}-pages`,
      comment: 'Page shell: path only; no cookies, no headers, no query strings; TTL from the origin, at most 60 s',
      ...ORIGIN_DECIDES,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: 'none' },
        headersConfig: { headerBehavior: 'none' },
        queryStringsConfig: { queryStringBehavior: 'none' },
        ...COMPRESSED,
      },
    },
    opts,
  );
  // Accept decides page or 404 at the origin (service/src/plugins/storefront.ts); nothing else is needed there,
  // and no cookie: the page never sets one, and with none forwarded CloudFront drops any Set-Cookie.
  const pageRequests = new aws.cloudfront.OriginRequestPolicy(
    `${name}-pages`,
    {
      name: `${args.namePrefix}-pages`,
      comment: 'Pages: the Accept header only; no cookies, no query strings',
      cookiesConfig: { cookieBehavior: 'none' },
      headersConfig: { headerBehavior: 'whitelist', headers: { items: ['Accept'] } },
      queryStringsConfig: { queryStringBehavior: 'none' },
    },
    opts,
  );
  return {
    catalogCachePolicyId: catalog.id,
    catalogOriginRequestPolicyId: catalogRequests.id,
    pageCachePolicyId: pages.id,
    pageOriginRequestPolicyId: pageRequests.id,
  };
}

/**
 * Whether a CloudFront path pattern matches a request path: `*` any run of characters, `?` exactly one,
 * case-sensitive, against the path without its query string (CloudFront Developer Guide, "Path pattern").
 * Hand-written: the rule is this small and no package implements CloudFront's flavour.
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const normalised = pattern.startsWith('/') || pattern === '*' ? pattern : `/${pattern}`;
  const regex = normalised
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(path);
}
