// What the app factory puts on the Fastify instance and in the session, for the type checker.
import type {} from '@fastify/session';
import type { Cache } from './cache.js';
import type { ServiceConfig } from './config.js';
import type { Database } from './db.js';
import type { Metrics } from './metrics.js';
import type { Redis } from './redis.js';
import type { OrderRepository } from './repositories/orders.js';
import type { ProductRepository } from './repositories/products.js';
import type { PurchaseLimitsChecker } from './repositories/purchase-limits.js';
import type { SessionGenerations } from './repositories/session-generations.js';
import type { UserRepository } from './repositories/users.js';

export interface AppDeps {
  config: ServiceConfig;
  db: Database;
  redis: Redis;
  cache: Cache;
  metrics: Metrics;
  products: ProductRepository;
  users: UserRepository;
  sessionGenerations: SessionGenerations;
  orders: OrderRepository;
  purchaseLimits: PurchaseLimitsChecker;
}

export interface SessionUser {
  id: string;
  email: string;
  role: 'customer' | 'admin';
  /** The account's session generation at sign-in (session-generations.ts); absent in sessions made before it. */
  sessionGeneration?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** True once shutdown has begun: /health answers 503 so the ALB stops sending new requests. */
    draining: boolean;
    /** The internal listener (plugins/internal-endpoints.ts), not listening until server.ts listens it. */
    internalServer: import('node:http').Server;
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
    /** The order this session placed last: a history or order read that does not find it reads consistently. */
    lastOrderId?: string;
  }
}
