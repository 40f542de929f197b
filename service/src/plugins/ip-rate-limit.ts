// The region-wide per-IP limit on every route (RATE_LIMIT_MAX a minute), counted by the batched store
// (rate-limit-store.ts: no Redis round trip per request, shared totals every 100 ms, enforced per instance while
// Redis is down). Routes with a limit of their own (login, register) are limited by @fastify/rate-limit instead
// (security.ts). Requests on the internal listener (health checks, scrapes) are never limited; every public
// route is, /health, /metrics and the docs included (issue #23).
//
// Hand-written on purpose instead of @fastify/rate-limit's global limit, for cost: its hook is three promises deep
// per request (the hook, applyRateLimit, a promise around the store) and reads request.routeOptions, which builds
// a new object on every read. This is one synchronous onRequest hook per route, decided when the route is
// registered. On the bench machine that made a cached catalog read noticeably cheaper (docs/benchmarks.md, "What
// made the catalog faster"). The key and the answer are the library's: its normalizeIP (an IPv6 client is counted
// by its /64, as one host usually holds the whole /64) and a 429 in the API's error shape with Retry-After.
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.js';
import type { RedisClient } from '../redis.js';
import { cameInternally } from './internal-endpoints.js';
import { BatchedStore } from './rate-limit-store.js';

const WINDOW_MS = 60_000;

/** The counting key of a client address: IPv4 as it is, IPv6 by its /64 (the library's normalizeIP). */
export function clientKey(ip: string): string {
  return ip.includes(':') ? normalizeIP(ip, 64) : ip;
}

export class TooManyRequestsError extends HttpError {
  override readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(429, `Too many requests; retry in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface IpRateLimitOptions {
  redis: RedisClient;
  prefix: string;
  /** Requests per IP per minute, region-wide; 0 turns the limit off. */
  max: number;
}

async function ipRateLimitPlugin(app: FastifyInstance, options: IpRateLimitOptions) {
  if (options.max <= 0) return;
  const { max } = options;
  // The key layout (`<prefix>rl:<ip>`) is the one @fastify/rate-limit's global limit used, so a rolling deploy
  // keeps counting in the same Redis counters.
  const store = new BatchedStore(options.redis, `${options.prefix}rl:`);
  const limit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    // The load balancer's health checks and the scrapers, on the internal listener, are not shoppers.
    if (cameInternally(request)) return done();
    const { current, ttl } = store.count(clientKey(request.ip), WINDOW_MS);
    if (current <= max) return done();
    const seconds = Math.max(1, Math.ceil(ttl / 1000));
    reply.header('x-ratelimit-limit', max).header('x-ratelimit-remaining', 0).header('x-ratelimit-reset', seconds);
    done(new TooManyRequestsError(seconds));
  };
  app.addHook('onRoute', (route) => {
    // `rateLimit: false` opts a route out; an object gives the route its own limit (security.ts).
    if (route.config?.rateLimit !== undefined) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), limit];
  });
}

export default fp(ipRateLimitPlugin, { name: 'edgecart-ip-rate-limit' });
