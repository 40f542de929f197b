// What CloudFront may cache (issue #22). Two rules:
// - `cache-keys-exclude-cookies`: no cache policy keys on cookies (a cookie in the key is a per-shopper copy: a
//   shared cache holding personal answers, and no hits), and none has a Minimum TTL above 0, which makes
//   CloudFront cache answers marked `no-store`/`private`/`no-cache` for that long (CloudFront Developer Guide,
//   "Manage how long content stays in the cache (expiration)": "Origin adds Cache-Control: no-cache, no-store,
//   and/or private … Minimum TTL > 0: CloudFront caches objects for the value of the CloudFront minimum TTL").
// - `no-cached-cookie-paths`: for every route whose answer can set a cookie (infra/global/edge-caching.ts,
//   COOKIE_SETTING_ROUTES), the behaviour CloudFront picks for its path (ordered behaviours first-match, then the
//   default) does not cache it: the route's method is not among the behaviour's `cachedMethods` (CloudFront never
//   keeps a POST), or the behaviour uses the managed CachingDisabled policy or a policy of the stack whose Maximum
//   TTL is 0. A policy the pack cannot see (an id unknown in a first preview) counts as caching.
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { COOKIE_SETTING_ROUTES, examplePath, pathPatternMatches } from '../infra/global/edge-caching.js';
import { ofType, T } from './types.js';

/**
 * Managed-CachingDisabled, the same id in every account (CloudFront Developer Guide, "Use managed cache
 * policies": CachingDisabled, ID 4135ea2d-6df8-44a3-9df3-4b5a84be39ad).
 */
export const CACHING_DISABLED_POLICY_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

export const cacheKeysExcludeCookies: ResourceValidationPolicy = {
  name: 'cache-keys-exclude-cookies',
  description: 'CloudFront cache keys contain no cookies, and no cache policy overrides no-store with a Minimum TTL.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== T.cachePolicy) return;
    const key = args.props.parametersInCacheKeyAndForwardedToOrigin ?? {};
    const cookies = key.cookiesConfig?.cookieBehavior;
    if (cookies !== 'none') report(`${args.name}: cookies in the cache key (cookieBehavior ${cookies})`);
    if (Number(args.props.minTtl ?? 0) > 0)
      report(`${args.name}: minTtl ${args.props.minTtl} caches answers the origin marks no-store or private`);
  },
};

interface Behaviour {
  pathPattern?: string;
  cachePolicyId?: string;
  maxTtl?: number;
  cachedMethods?: string[];
}

/** Whether a behaviour may keep an answer: false only for what is known not to cache. */
function mayCache(behaviour: Behaviour, maxTtlOfPolicy: Map<string, number>): boolean {
  const policy = behaviour.cachePolicyId;
  if (policy === CACHING_DISABLED_POLICY_ID) return false;
  if (policy) return maxTtlOfPolicy.get(policy) !== 0;
  // Legacy settings (forwardedValues) without a cache policy: their own TTLs.
  return Number(behaviour.maxTtl ?? 1) !== 0;
}

export const noCachedCookiePaths: StackValidationPolicy = {
  name: 'no-cached-cookie-paths',
  description: 'No CloudFront behaviour that may cache serves a path whose answer can set a cookie.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const maxTtlOfPolicy = new Map<string, number>();
    for (const p of ofType(resources, T.cachePolicy)) {
      if (typeof p.props.id === 'string') maxTtlOfPolicy.set(p.props.id, Number(p.props.maxTtl));
    }
    for (const d of ofType(resources, T.distribution)) {
      const ordered: Behaviour[] = d.props.orderedCacheBehaviors ?? [];
      for (const { method, url } of COOKIE_SETTING_ROUTES) {
        const path = examplePath(url);
        const behaviour = ordered.find((b) => pathPatternMatches(b.pathPattern ?? '', path)) ?? {
          ...d.props.defaultCacheBehavior,
          pathPattern: '* (default)',
        };
        // cachedMethods is required by CloudFront; unknown (a preview) counts as caching every method.
        const cachesMethod = behaviour.cachedMethods?.includes(method) ?? true;
        if (cachesMethod && mayCache(behaviour, maxTtlOfPolicy)) {
          report(
            `${d.name}: ${method} ${url} can set a cookie and is served by the behaviour ${behaviour.pathPattern}, which may cache`,
            d.urn,
          );
        }
      }
    }
  },
};
