// The service's settings, read once from the environment (API.md "Configuration"). A missing or malformed
// setting stops start-up with one line naming it (see server.ts), never a stack trace.

export interface ServiceConfig {
  nodeEnv: string;
  port: number;
  host: string;
  /**
   * Port of the internal listener (/metrics, /ready, /docs, and /health), for the load balancer's health check,
   * Prometheus and operators; never forwarded by CloudFront or the ALB's listener. 0 (not in production): no
   * internal listener, everything on PORT.
   */
  internalPort: number;
  databaseUrl: string;
  /** Regional reader endpoint; reads go there when set. */
  databaseReadUrl?: string;
  /** Connections per pool (writer and reader each). */
  databasePoolMax: number;
  redisUrl: string;
  redisKeyPrefix: string;
  sessionSecret: string;
  /**
   * How long an anonymous session (a cart, nobody signed in) lives after its last change, in Redis and in the
   * cookie; signed-in sessions live 7 days (plugins/session.ts). Bounds what cookie-less cart writes can store:
   * at most RATE_LIMIT_MAX a minute per IP, each kept this long.
   */
  anonymousSessionTtlSeconds: number;
  /**
   * How long an instance trusts the session generation it read for an account (repositories/session-generations.ts):
   * "log out everywhere" reaches this region's other instances within it; 0 reads on every signed-in request.
   */
  sessionCheckSeconds: number;
  /** How many accounts' generations an instance remembers (LRU), which bounds the memory it takes. */
  sessionCheckMaxAccounts: number;
  region: string;
  /** Catalog cache TTL; 0 turns the cache off (every read goes to the database). */
  cacheTtlSeconds: number;
  /** Longest a catalog entry lives in the in-process L1 in front of Redis; 0 turns L1 off. */
  cacheL1TtlMs: number;
  /** Collapse concurrent cache misses on one key into one database query (on unless set to false). */
  cacheSingleFlight: boolean;
  /** Most bytes (estimated) the in-process L1 of each instance holds; the oldest entries go first. */
  cacheL1MaxBytes: number;
  /** Most bytes the cached list pages take in Redis (per region); beyond it new pages are served uncached. */
  cacheRedisListMaxBytes: number;
  assetsBucket?: string;
  /** Region of ASSETS_BUCKET (presigned POSTs are signed for it): the primary's, from every region. */
  assetsBucketRegion: string;
  assetsBaseUrl: string;
  rateLimitMax: number;
  authRateLimitMax: number;
  /** Most units of one product in one order (cart and checkout); issue #23's per-order cap. */
  orderMaxUnitsPerProduct: number;
  /**
   * Most units of one product one customer may order within 24 hours, the orders in the cart included; 0 turns it
   * off. Issue #23's per-customer cap against "denial of inventory" in a shop without payment.
   */
  customerMaxUnitsPerProductPerDay: number;
  corsOrigins: string[];
  /**
   * Origins whose unsafe requests (POST, PUT, PATCH, DELETE) a browser may send (plugins/cross-site.ts):
   * ALLOWED_ORIGINS, else the shop's own origin (from an absolute ASSETS_BASE_URL); CORS_ORIGINS always.
   */
  allowedOrigins: string[];
  logLevel: string;
  /**
   * Which requests are logged: `all` (Fastify's lines at the start and end of each), or `errors` (one line for
   * each 5xx or request slower than 1 s). Metrics cover the rest; lines for every request cost throughput and
   * memory under load.
   */
  logRequests: 'all' | 'errors';
  /**
   * `auto`: checkout is one statement, and moves for good to the transaction of forwarded statements the first
   * time the writer path refuses it (a secondary that does not forward it); `transaction`: the transaction from
   * the start (saves that one refused attempt where it is known to be refused).
   */
  checkoutMode: 'auto' | 'transaction';
  /** Largest accepted request body in bytes (larger bodies get 413). */
  bodyLimit: number;
  /**
   * Proxies in front of the service whose X-Forwarded-For entries are trusted: 2 in AWS (CloudFront, then
   * the ALB), 0 locally. Decides request.ip, which the rate limiter keys on.
   */
  trustProxyHops: number;
  /**
   * After SIGTERM, keep serving (with /health at 503) this long before closing the listener, so a load
   * balancer that has not deregistered the instance yet sees it draining first.
   */
  drainDelayMs: number;
  /** How long shutdown waits for in-flight requests before it forces connections closed. */
  shutdownGraceMs: number;
  /**
   * CloudWatch namespace of this instance's readiness metric (`Ready`, dimension `Region`), which the region's
   * health alarm reads; unset turns publishing off (local runs).
   */
  readinessMetricNamespace?: string;
  /** How often the readiness metric is checked and published. */
  readinessMetricIntervalMs: number;
  /**
   * A deliberately bad build for the lab's release drill (LAB_FAULT_INJECTION, issue #21): checkout answering
   * 500, or checkout and catalog answering slowly. Refused with NODE_ENV=production, so it can never ship.
   */
  faultInjection?: FaultInjection;
}

export type FaultInjection = { kind: 'checkout-errors' } | { kind: 'slow-shopper-paths'; delayMs: number };

export const FAULT_INJECTION_KINDS = ['checkout-errors', 'slow-shopper-paths'] as const;

export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid configuration: ${key} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, key: string, fallback?: string): string {
  const v = env[key];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new ConfigError(key, 'is required but not set');
    return fallback;
  }
  return v;
}

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new ConfigError(key, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(key, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, key, fallback);
  if (!(allowed as readonly string[]).includes(v))
    throw new ConfigError(key, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function url(env: Env, key: string, protocols: string[], fallback?: string): string {
  const v = str(env, key, fallback);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(key, `must be a URL (${protocols.join(' or ')}), got something that does not parse`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(key, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return v;
}

/**
 * The config of this process, or exit with one clear line naming the bad setting (no stack trace: the operator
 * knows exactly which setting to fix). For entry points; tests call loadConfig.
 */
export function loadConfigOrExit(env: Env = process.env): ServiceConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

const DEV_SESSION_SECRET = 'local-development-session-secret-not-for-production';

export function loadConfig(env: Env = process.env): ServiceConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const sessionSecret = production ? str(env, 'SESSION_SECRET') : str(env, 'SESSION_SECRET', DEV_SESSION_SECRET);
  if (sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters');
  const pg = ['postgres:', 'postgresql:'];
  const logLevel = str(env, 'LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`,
    );
  }
  const keyPrefix = str(env, 'REDIS_KEY_PREFIX', 'edgecart:');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const list = (key: string) =>
    (env[key] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const corsOrigins = list('CORS_ORIGINS');
  const assetsBaseUrl = str(env, 'ASSETS_BASE_URL', '/assets').replace(/\/$/, '');
  const explicitOrigins = list('ALLOWED_ORIGINS');
  for (const o of explicitOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError('ALLOWED_ORIGINS', `must list origins such as https://shop.example.com, got "${o}"`);
  }
  const shopOrigin = /^https:\/\//.test(assetsBaseUrl) ? [new URL(assetsBaseUrl).origin] : [];
  const allowedOrigins = [...new Set([...(explicitOrigins.length ? explicitOrigins : shopOrigin), ...corsOrigins])];
  const internalPort = int(env, 'INTERNAL_PORT', 9100, 0, 65535);
  if (internalPort === 0 && production) {
    throw new ConfigError(
      'INTERNAL_PORT',
      'must be set in production (metrics, readiness and docs stay off the public port)',
    );
  }
  if (internalPort !== 0 && internalPort === port) throw new ConfigError('INTERNAL_PORT', 'must differ from PORT');
  let faultInjection: FaultInjection | undefined;
  if (env.LAB_FAULT_INJECTION) {
    if (production)
      throw new ConfigError('LAB_FAULT_INJECTION', 'is a lab-only setting, refused with NODE_ENV=production');
    const kind = oneOf(env, 'LAB_FAULT_INJECTION', FAULT_INJECTION_KINDS, 'checkout-errors');
    faultInjection =
      kind === 'checkout-errors' ? { kind } : { kind, delayMs: int(env, 'LAB_FAULT_DELAY_MS', 1_500, 1, 60_000) };
  }
  return {
    nodeEnv,
    port,
    internalPort,
    host: str(env, 'HOST', '0.0.0.0'),
    databaseUrl: url(env, 'DATABASE_URL', pg, production ? undefined : 'postgresql://postgres@127.0.0.1:5432/edgecart'),
    databaseReadUrl: env.DATABASE_READ_URL ? url(env, 'DATABASE_READ_URL', pg) : undefined,
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 200),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    redisKeyPrefix: keyPrefix,
    sessionSecret,
    anonymousSessionTtlSeconds: int(env, 'ANONYMOUS_SESSION_TTL_SECONDS', 2 * 3600, 60, 7 * 24 * 3600),
    sessionCheckSeconds: int(env, 'SESSION_CHECK_SECONDS', 10, 0, 300),
    sessionCheckMaxAccounts: int(env, 'SESSION_CHECK_MAX_ACCOUNTS', 20_000, 1, 1_000_000),
    region: str(env, 'REGION', 'local'),
    cacheTtlSeconds: int(env, 'CACHE_TTL_SECONDS', 60, 0, 86_400),
    cacheSingleFlight: bool(env, 'CACHE_SINGLE_FLIGHT', true),
    cacheL1TtlMs: int(env, 'CACHE_L1_TTL_MS', 5_000, 0, 3_600_000),
    // 16 MiB of a 192 MiB heap (package.json `start`); 32 MiB of the region's cache node for list pages.
    cacheL1MaxBytes: int(env, 'CACHE_L1_MAX_BYTES', 16 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    cacheRedisListMaxBytes: int(env, 'CACHE_REDIS_LIST_MAX_BYTES', 32 * 1024 * 1024, 0, 4 * 1024 * 1024 * 1024),
    assetsBucket: env.ASSETS_BUCKET || undefined,
    assetsBucketRegion: str(env, 'ASSETS_BUCKET_REGION', env.AWS_REGION || env.REGION || 'us-east-1'),
    assetsBaseUrl,
    rateLimitMax: int(env, 'RATE_LIMIT_MAX', 600, 0, 1_000_000_000),
    authRateLimitMax: int(env, 'AUTH_RATE_LIMIT_MAX', 10, 0, 1_000_000),
    orderMaxUnitsPerProduct: int(env, 'ORDER_MAX_UNITS_PER_PRODUCT', 5, 1, 99),
    customerMaxUnitsPerProductPerDay: int(env, 'CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY', 10, 0, 1_000_000),
    corsOrigins,
    allowedOrigins,
    logLevel,
    logRequests: oneOf(env, 'LOG_REQUESTS', ['all', 'errors'] as const, 'errors'),
    checkoutMode: oneOf(env, 'CHECKOUT_MODE', ['auto', 'transaction'] as const, 'auto'),
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    drainDelayMs: int(env, 'DRAIN_DELAY_MS', 0, 0, 120_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    readinessMetricNamespace: env.READINESS_METRIC_NAMESPACE || undefined,
    readinessMetricIntervalMs: int(env, 'READINESS_METRIC_INTERVAL_MS', 30_000, 1_000, 300_000),
    faultInjection,
  };
}
