// The app factory: builds the Fastify service from a validated config and does not listen, so tests use
// `inject` or listen on port 0. server.ts owns listening and shutdown.
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { createCache } from './cache.js';
import type { ServiceConfig } from './config.js';
import { createDatabase, type Database } from './db.js';
import { registerErrorHandling } from './errors.js';
import { PRIVATE_NO_STORE, sharedOnlyWithoutCookies } from './http-caching.js';
import { createMetrics } from './metrics.js';
import faultInjectionPlugin from './plugins/fault-injection.js';
import metricsPlugin from './plugins/metrics.js';
import readinessMetricPlugin, { cloudWatchPublisher, type MetricPublisher } from './plugins/readiness-metric.js';
import crossSitePlugin from './plugins/cross-site.js';
import internalEndpointsPlugin, { createInternalServer } from './plugins/internal-endpoints.js';
import securityPlugin, { securityHeaders } from './plugins/security.js';
import sessionPlugin from './plugins/session.js';
import storefrontPlugin from './plugins/storefront.js';
import swaggerPlugin from './plugins/swagger.js';
import { createRedis, type Redis } from './redis.js';
import { requestIdOf } from './request-id.js';
import { createOrderRepository } from './repositories/orders.js';
import { createProductRepository } from './repositories/products.js';
import { createPurchaseLimits } from './repositories/purchase-limits.js';
import { createSessionGenerations } from './repositories/session-generations.js';
import { createUserRepository } from './repositories/users.js';
import authRoutes from './routes/auth.js';
import cartRoutes from './routes/cart.js';
import healthRoutes from './routes/health.js';
import orderRoutes from './routes/orders.js';
import { adminProductRoutes, publicProductRoutes } from './routes/products.js';
import uploadRoutes from './routes/uploads.js';
import { ErrorBodySchema } from './schemas/common.js';
import './types.js';
import { registerValidation } from './validation.js';

export interface BuildOptions {
  /** Pino options, or false for silence (tests). Defaults to JSON logs at config.logLevel. */
  logger?: FastifyServerOptions['logger'];
  /** Milliseconds to wait for Redis at start-up before starting degraded (default 2000). */
  redisConnectWaitMs?: number;
  /** Where the readiness metric goes (tests pass a fake); CloudWatch when READINESS_METRIC_NAMESPACE is set. */
  readinessPublisher?: MetricPublisher;
}

export function loggerOptions(config: ServiceConfig): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    // Never log credentials or session ids.
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordHash',
        'body.password',
      ],
      censor: '[redacted]',
    },
  };
}

export async function buildApp(config: ServiceConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    // Trust exactly the configured number of proxy hops (CloudFront + ALB in AWS), no more.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    bodyLimit: config.bodyLimit,
    // The caller's X-Request-Id only when it is a bounded, plain id (request-id.ts); otherwise a new UUID.
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Fastify's own two lines per request only with LOG_REQUESTS=all; otherwise the onResponse hook below
    // logs just the failed and the slow ones.
    logController: new LogController({ disableRequestLogging: config.logRequests !== 'all' }),
    // Above the ALB's 60 s idle timeout, so the ALB (not us) closes idle keep-alive connections.
    keepAliveTimeout: 65_000,
    requestTimeout: 30_000,
    // In-flight and keep-alive requests that arrive while closing are still served (then the connection is
    // closed), so a drain loses nothing.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });

  const metrics = createMetrics(config.region);
  const redis: Redis = createRedis(config.redisUrl, app.log);
  const db: Database = createDatabase({
    writerUrl: config.databaseUrl,
    readerUrl: config.databaseReadUrl,
    poolMax: config.databasePoolMax,
    metrics,
  });
  const cache = createCache({
    redis: redis.client,
    prefix: config.redisKeyPrefix,
    ttlSeconds: config.cacheTtlSeconds,
    singleFlight: config.cacheSingleFlight,
    l1TtlMs: config.cacheL1TtlMs,
    l1MaxBytes: config.cacheL1MaxBytes,
    redisHashMaxBytes: config.cacheRedisListMaxBytes,
    subscribe: redis.subscribe,
    metrics,
  });
  metrics.watchCache(cache.l1Usage);
  const products = createProductRepository(
    db,
    cache,
    config.cacheTtlSeconds > 0 ? 'consistent' : 'reader',
    config.sessionSecret,
  );
  app.decorate('deps', {
    config,
    db,
    redis,
    cache,
    metrics,
    products,
    users: createUserRepository(db),
    sessionGenerations: createSessionGenerations(db, {
      checkSeconds: config.sessionCheckSeconds,
      maxAccounts: config.sessionCheckMaxAccounts,
    }),
    orders: createOrderRepository(db, products, { log: app.log, mode: config.checkoutMode }),
    purchaseLimits: createPurchaseLimits(db, {
      perOrder: config.orderMaxUnitsPerProduct,
      perCustomerPerDay: config.customerMaxUnitsPerProductPerDay,
    }),
  });
  app.decorate('draining', false);
  app.decorate('internalServer', createInternalServer(app));
  app.addHook('onClose', async () => {
    cache.close();
    if (app.internalServer.listening) {
      app.internalServer.closeIdleConnections();
      await new Promise((resolve) => app.internalServer.close(resolve));
    }
    await Promise.allSettled([db.close(), redis.close()]);
  });

  const connected = await redis.connect(options.redisConnectWaitMs ?? 2_000);
  if (!connected) app.log.warn('Starting without Redis; it will be used as soon as it answers');

  // Headers of every response, errors included, set in one synchronous hook (it runs on every request).
  // Nothing may be stored by a shared cache unless its route says so (http-caching.ts).
  const security = securityHeaders(config);
  const apiHeaders = { ...security.api, 'x-region': config.region, 'cache-control': PRIVATE_NO_STORE };
  const pageHeaders = { ...security.page, 'x-region': config.region, 'cache-control': PRIVATE_NO_STORE };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? apiHeaders : pageHeaders);
    reply.header('x-request-id', request.id);
    done();
  });
  // While draining, tell every client to reconnect elsewhere after this response. Decided when the answer is
  // sent, not when the request arrived: a keep-alive request already in flight at SIGTERM would otherwise leave
  // its connection open, and server.close() would wait for it until keepAliveTimeout, past SHUTDOWN_GRACE_MS.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  registerValidation(app);
  registerErrorHandling(app);
  app.addSchema(ErrorBodySchema);

  // The rate limit first, so that every route registered after it is limited (swagger's and /metrics included);
  // then the public-port refusal of the internal endpoints, which runs after the limit has counted the request.
  await app.register(securityPlugin);
  await app.register(internalEndpointsPlugin);
  await app.register(crossSitePlugin);
  await app.register(metricsPlugin);
  // Only in the lab's release drill (LAB_FAULT_INJECTION, never in production): after metrics, so the bad
  // build's answers are timed and logged like any other.
  if (config.faultInjection) await app.register(faultInjectionPlugin, config.faultInjection);
  await app.register(swaggerPlugin);

  const readinessPublisher =
    options.readinessPublisher ??
    (config.readinessMetricNamespace
      ? cloudWatchPublisher({ namespace: config.readinessMetricNamespace, region: config.region })
      : undefined);
  if (readinessPublisher) {
    await app.register(readinessMetricPlugin, {
      probes: { database: () => db.ping(), redis: () => redis.ping() },
      publisher: readinessPublisher,
      intervalMs: config.readinessMetricIntervalMs,
    });
  }

  // Routes that need no session, so they keep answering when Redis is down.
  await app.register(healthRoutes);
  await app.register(async (shared) => {
    // The catalog is shared by caches: should anything ever add a cookie to it, it stops being shareable.
    shared.addHook('onSend', sharedOnlyWithoutCookies);
    await shared.register(publicProductRoutes);
  });

  // Routes that need a session (and so Redis).
  await app.register(async (scope) => {
    await scope.register(sessionPlugin);
    await scope.register(authRoutes);
    await scope.register(cartRoutes);
    await scope.register(orderRoutes);
    await scope.register(adminProductRoutes);
    await scope.register(uploadRoutes);
  });

  // The storefront's built files at `/` (when web/dist exists); registered last, it never shadows a route.
  await app.register(storefrontPlugin);

  return app;
}
