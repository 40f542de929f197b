// Security headers (helmet), CORS for configured origins only, and per-IP rate limiting stored in Redis so
// the limit holds across all instances of a region. If Redis is down the limiter lets requests through
// (skipOnError) rather than turning a cache outage into a site outage.
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../errors.js';
import { redisRateLimitStore } from './rate-limit-store.js';

async function securityPlugin(app: FastifyInstance) {
  const { config, redis } = app.deps;
  await app.register(fastifyHelmet, {
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
  });
  await app.register(fastifyCors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'idempotency-key'],
    exposedHeaders: ['x-region', 'x-cache'],
    maxAge: 600,
  });
  await app.register(fastifyRateLimit, {
    global: config.rateLimitMax > 0,
    max: config.rateLimitMax > 0 ? config.rateLimitMax : 1,
    timeWindow: '1 minute',
    store: redisRateLimitStore(redis.client, config.redisKeyPrefix),
    skipOnError: true,
    errorResponseBuilder: (_request, context) => {
      const error = Object.assign(new Error(`Too many requests; retry in ${context.after}`), {
        statusCode: context.statusCode,
      });
      return Object.assign(error, errorBody(context.statusCode, error.message));
    },
  });
}

export default fp(securityPlugin, { name: 'edgecart-security' });
