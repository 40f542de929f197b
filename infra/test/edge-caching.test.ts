// Issue #22 under mocks: the CloudFront behaviours that keep the catalog and the page shell near the shopper,
// their cache and origin-request policies, checked against what the service sends and varies on.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EDGE_FRESH_SECONDS,
  EDGE_REVALIDATE_SECONDS,
  EDGE_STALE_IF_ERROR_SECONDS,
} from '../../service/src/http-caching.js';
import { SESSION_COOKIE } from '../../service/src/plugins/session.js';
import { ProductListQuerySchema } from '../../service/src/schemas/products.js';
import {
  CATALOG_PATH_PATTERNS,
  CATALOG_QUERY_STRINGS,
  COOKIE_SETTING_ROUTES,
  examplePath,
  EDGE_MAX_TTL_SECONDS,
  pathPatternMatches,
} from '../global/edge-caching.js';
import { REGION_HEALTH_TIMING } from '../region/monitoring.js';
import { MANAGED_CACHE_POLICIES, type RecordedResource } from './mocks.js';
import { type ProgramRun, revealSecrets, runProgram, stackConfig } from './program.js';

const T = {
  distribution: 'aws:cloudfront/distribution:Distribution',
  cachePolicy: 'aws:cloudfront/cachePolicy:CachePolicy',
  originRequestPolicy: 'aws:cloudfront/originRequestPolicy:OriginRequestPolicy',
} as const;

let run: ProgramRun;
let d: Record<string, any>;
const policy = (type: string, name: string): RecordedResource['inputs'] => run.byName(type, name).inputs;

beforeAll(async () => {
  run = await runProgram(stackConfig('global'));
  d = revealSecrets(run.ofType(T.distribution)[0]!.inputs);
});

/** The behaviour CloudFront picks for a path: the first ordered behaviour whose pattern matches, else the default. */
const behaviourFor = (path: string) =>
  d.orderedCacheBehaviors.find((b: any) => pathPatternMatches(b.pathPattern, path)) ?? d.defaultCacheBehavior;

describe('CloudFront behaviours for the catalog and the page shell', () => {
  it('sends the catalog reads to the catalog policies, ahead of the uncached /api/*', () => {
    const patterns = d.orderedCacheBehaviors.map((b: any) => b.pathPattern);
    for (const pattern of CATALOG_PATH_PATTERNS)
      expect(patterns.indexOf(pattern)).toBeLessThan(patterns.indexOf('/api/*'));
    for (const path of ['/api/products', '/api/products/0b5f7c1e-1111-4222-8333-944455556666']) {
      const b = behaviourFor(path);
      expect(b.targetOriginId, path).toBe('api');
      expect(b.cachePolicyId, path).toBe('edge-catalog-id');
      expect(b.originRequestPolicyId, path).toBe('edge-catalog-id');
      expect(b.compress, path).toBe(true);
      expect(b.cachedMethods, path).toEqual(['GET', 'HEAD']);
      // The admin's writes go to the same paths and must still reach the origin.
      expect(b.allowedMethods, path).toEqual(expect.arrayContaining(['POST', 'PATCH']));
    }
    expect(behaviourFor('/api/productsX').cachePolicyId).toBe(MANAGED_CACHE_POLICIES['Managed-CachingDisabled']);
  });

  it('never caches a route that can set a cookie: a method the behaviour does not cache, or CachingDisabled', () => {
    for (const { method, url } of COOKIE_SETTING_ROUTES) {
      const b = behaviourFor(examplePath(url));
      if (b.cachedMethods.includes(method))
        expect(b.cachePolicyId, `${method} ${url}`).toBe(MANAGED_CACHE_POLICIES['Managed-CachingDisabled']);
    }
    // The admin's writes and uploads share the catalog's paths: cached only as GET and HEAD, which they are not.
    expect(behaviourFor(examplePath('/api/products/:id/image-upload')).cachedMethods).toEqual(['GET', 'HEAD']);
  });

  it('keys the catalog on the path and the query strings the API reads, nothing else; compressed variants', () => {
    const p = policy(T.cachePolicy, 'edge-catalog');
    const key = p.parametersInCacheKeyAndForwardedToOrigin;
    expect(key.cookiesConfig).toEqual({ cookieBehavior: 'none' });
    expect(key.headersConfig).toEqual({ headerBehavior: 'none' });
    expect(key.queryStringsConfig.queryStringBehavior).toBe('whitelist');
    // Exactly the list query's parameters (the schema refuses any other with 400).
    expect([...key.queryStringsConfig.queryStrings.items].sort()).toEqual(
      Object.keys(ProductListQuerySchema.properties).sort(),
    );
    expect(CATALOG_QUERY_STRINGS.length).toBeLessThanOrEqual(10); // CloudFront's default quota per cache policy
    expect(key.enableAcceptEncodingGzip).toBe(true);
    expect(key.enableAcceptEncodingBrotli).toBe(true);
  });

  it('keys the page shell on the path only', () => {
    const key = policy(T.cachePolicy, 'edge-pages').parametersInCacheKeyAndForwardedToOrigin;
    expect(key.cookiesConfig).toEqual({ cookieBehavior: 'none' });
    expect(key.headersConfig).toEqual({ headerBehavior: 'none' });
    expect(key.queryStringsConfig).toEqual({ queryStringBehavior: 'none' });
    expect(d.defaultCacheBehavior.cachePolicyId).toBe('edge-pages-id');
    expect(d.defaultCacheBehavior.originRequestPolicyId).toBe('edge-pages-id');
    expect(d.defaultCacheBehavior.compress).toBe(true);
  });

  it("lets the origin's Cache-Control decide: no-store is never cached, s-maxage is honoured and capped", () => {
    for (const name of ['edge-catalog', 'edge-pages']) {
      const p = policy(T.cachePolicy, name);
      // Minimum TTL 0: no-store/private answers stay uncached; default 0: an answer without a header is not kept.
      expect(p.minTtl, name).toBe(0);
      expect(p.defaultTtl, name).toBe(0);
      // CloudFront keeps min(s-maxage, Maximum TTL): the service's s-maxage fits under the cap.
      expect(p.maxTtl, name).toBe(EDGE_MAX_TTL_SECONDS);
      expect(EDGE_FRESH_SECONDS).toBeLessThanOrEqual(p.maxTtl);
    }
    // The bounded staleness written down in edge-caching.ts: at most a minute at the edge.
    expect(EDGE_FRESH_SECONDS + EDGE_REVALIDATE_SECONDS).toBeLessThanOrEqual(60);
  });

  it('forwards to the origin only what the admin writes need on the catalog paths, and nothing on pages', () => {
    const catalog = policy(T.originRequestPolicy, 'edge-catalog');
    expect(catalog.cookiesConfig).toEqual({ cookieBehavior: 'whitelist', cookies: { items: [SESSION_COOKIE] } });
    expect(catalog.queryStringsConfig).toEqual({ queryStringBehavior: 'none' });
    expect(catalog.headersConfig.headerBehavior).toBe('whitelist');
    const pages = policy(T.originRequestPolicy, 'edge-pages');
    expect(pages.cookiesConfig).toEqual({ cookieBehavior: 'none' });
    expect(pages.queryStringsConfig).toEqual({ queryStringBehavior: 'none' });
    expect(pages.headersConfig).toEqual({ headerBehavior: 'whitelist', headers: { items: ['Accept'] } });
  });

  it('keeps serving the catalog through an unplanned regional failover (stale-if-error), soon after the origin fails', () => {
    // Leaving DNS (3 bad minutes + TTL, one more minute for the alarm), the operator's decision and the global
    // database failover (a 15-minute budget), coming back (the first good minute + TTL).
    const failover =
      REGION_HEALTH_TIMING.readinessLeaveSeconds + 60 + 15 * 60 + REGION_HEALTH_TIMING.readinessReturnSeconds;
    expect(EDGE_STALE_IF_ERROR_SECONDS).toBeGreaterThanOrEqual(failover);
    // CloudFront serves the stale copy only after giving up on the origin: keep that wait short.
    const api = d.origins.find((o: any) => o.originId === 'api');
    expect(api.connectionAttempts * api.connectionTimeout).toBeLessThanOrEqual(10);
  });
});

describe('pathPatternMatches (CloudFront path patterns)', () => {
  it('matches * and ? like CloudFront, on the whole path, case-sensitively', () => {
    expect(pathPatternMatches('/api/products', '/api/products')).toBe(true);
    expect(pathPatternMatches('/api/products', '/api/products/1')).toBe(false);
    expect(pathPatternMatches('/api/products/*', '/api/products/1')).toBe(true);
    expect(pathPatternMatches('/api/*', '/api/cart')).toBe(true);
    expect(pathPatternMatches('/API/*', '/api/cart')).toBe(false);
    expect(pathPatternMatches('/a?c', '/abc')).toBe(true);
    expect(pathPatternMatches('/a.c', '/abc')).toBe(false);
    expect(pathPatternMatches('*', '/anything')).toBe(true);
  });
});
