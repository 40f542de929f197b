// What the app factory puts on the Fastify instance and in the session, for the type checker.
import type {} from '@fastify/session';
import type { Cache } from './cache.js';
import type { Catalog } from './domain/catalog.js';
import type { ServiceConfig } from './config.js';
import type { Database } from './db.js';
import type { Metrics } from './metrics.js';
import type { Redis } from './redis.js';

export interface AppDeps {
  config: ServiceConfig;
  db: Database;
  redis: Redis;
  cache: Cache;
  catalog: Catalog;
  metrics: Metrics;
}

export interface SessionUser {
  id: string;
  email: string;
  role: 'customer' | 'admin';
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** True once shutdown has begun: /health answers 503 so the ALB stops sending new requests. */
    draining: boolean;
  }
}

declare module 'fastify' {
  interface Session {
    user?: SessionUser;
    /** productId → quantity. */
    cart?: Record<string, number>;
    /** Identifies this cart and its revision: checkout derives its default idempotency key from them. */
    cartId?: string;
    cartRevision?: number;
  }
}
