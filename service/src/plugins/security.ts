// Security headers (helmet, computed once), CORS for configured origins only, and per-IP rate limiting shared
// through Redis so the limits hold across all instances of a region: the global limit on every route
// (ip-rate-limit.ts) and the stricter exact limits of the routes that declare their own (login, register), through
// @fastify/rate-limit (rate-limit-store.ts). If Redis is down, each instance enforces the global limit on its own
// share, and the exact login limiter lets requests through (skipOnError) rather than turning a cache outage into a
// site outage.
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { ServiceConfig } from '../config.js';
import { errorBody } from '../errors.js';
import ipRateLimit from './ip-rate-limit.js';
import { redisRateLimitStore } from './rate-limit-store.js';

/** Headers for browsers and plug-ins long gone: bytes on every response and no protection today. */
const OBSOLETE = {
  xDownloadOptions: false, // IE8's download prompt
  xPermittedCrossDomainPolicies: false, // Flash and PDF cross-domain policies
  xXssProtection: false, // the removed XSS auditor
  xDnsPrefetchControl: false, // a hint, not a protection
} as const;

/**
 * The security headers, computed once at start-up and set with the other static headers in one call per request
 * (app.ts). @fastify/helmet would run helmet, CSP parsing included, on every request: 18 % of the CPU of a
 * cached catalog read in a profile (docs/benchmarks.md).
 * - `page`: documents (the storefront, /docs): the full content security policy.
 * - `api`: JSON under /api: a policy that allows nothing and cannot be framed (OWASP's REST advice), which is
 *   all a JSON response needs and 300 bytes less on every catalog read.
 */
export function securityHeaders(config: ServiceConfig): { page: Record<string, string>; api: Record<string, string> } {
  const page = helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        // Swagger UI (at /docs) ships an inline style block.
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.nodeEnv === 'production' ? [] : null,
      },
    },
    // Product images come from the CloudFront origin of the same site; nothing cross-origin is embedded.
    crossOriginEmbedderPolicy: false,
    ...OBSOLETE,
  });
  const api = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    ...OBSOLETE,
  });
  return { page, api };
}

/** The headers helmet would set, captured once from a stand-in response. */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return headers;
}

async function securityPlugin(app: FastifyInstance) {
  const { config, redis } = app.deps;
  // Same-origin by default (the shop and its API share the CloudFront domain): no CORS hook at all then.
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'idempotency-key'],
      exposedHeaders: ['x-region', 'x-cache'],
      maxAge: 600,
    });
  }
  await app.register(ipRateLimit, { redis: redis.client, prefix: config.redisKeyPrefix, max: config.rateLimitMax });
  // Only routes with a `rateLimit` of their own; the global limit is ip-rate-limit.ts.
  await app.register(fastifyRateLimit, {
    global: false,
    timeWindow: '1 minute',
    store: redisRateLimitStore(redis.client, config.redisKeyPrefix),
    skipOnError: true,
    // The limit headers go out on 429 answers only (with Retry-After), not on every successful response.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => {
      const error = Object.assign(new Error(`Too many requests; retry in ${context.after}`), {
        statusCode: context.statusCode,
      });
      return Object.assign(error, errorBody(context.statusCode, error.message));
    },
  });
}

export default fp(securityPlugin, { name: 'edgecart-security' });
