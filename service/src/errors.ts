// Errors, and how each becomes an HTTP answer at the edge. One error shape for every failure
// (docs/api.md "Errors"): { statusCode, error, message } plus optional details.
// - Domain errors (thrown by repositories: not found, already exists, out of stock, mixed currencies) know
//   nothing of HTTP; the error handler maps each class to its status.
// - HttpError is for what only the edge knows (a bad request, a missing login, a feature not configured).
// - Dependency failures become 503 with a message that says which dependency, never a 500 or a hang.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ORDER_TOTAL_MAX_CENTS, ORDER_TOTAL_TOO_LARGE } from './domain/order-total.js';
import { PRIVATE_NO_STORE } from './http-caching.js';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';

/** Something the caller asked for cannot be done as asked; the message is for the shopper. */
export abstract class DomainError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {}
export class AlreadyExistsError extends DomainError {}
export class OutOfStockError extends DomainError {
  constructor(readonly productId: string) {
    super('Not enough stock for one of the products in your cart', { productId });
  }
}
export class MixedCurrenciesError extends DomainError {
  constructor() {
    super('The cart mixes currencies; check out one currency at a time');
  }
}

/** A purchase above the per-order or per-customer cap of one product (issue #23: denial of inventory). */
export class PurchaseLimitError extends DomainError {
  constructor(
    readonly productId: string,
    message: string,
  ) {
    super(message, { productId });
  }
}

/** An order above ORDER_TOTAL_MAX_CENTS (domain/order-total.ts): refused rather than overflowing the total. */
export class OrderTotalTooLargeError extends DomainError {
  constructor() {
    super(`${ORDER_TOTAL_TOO_LARGE} (at most ${ORDER_TOTAL_MAX_CENTS} minor units)`);
  }
}

/** The HTTP status of each domain error: the only place the domain meets HTTP. */
function statusOf(err: DomainError): number {
  if (err instanceof NotFoundError) return 404;
  if (
    err instanceof AlreadyExistsError ||
    err instanceof OutOfStockError ||
    err instanceof MixedCurrenciesError ||
    err instanceof PurchaseLimitError ||
    err instanceof OrderTotalTooLargeError
  ) {
    return 409;
  }
  return 400;
}

export class HttpError extends Error {
  /** Sent as Retry-After (seconds) when set: the request was not processed, and may be retried then. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = (message = 'Login required') => new HttpError(401, message);
export const forbidden = (message = 'Not allowed') => new HttpError(403, message);

export type Dependency = 'database' | 'redis';

export class DependencyUnavailableError extends HttpError {
  override readonly retryAfterSeconds = 2;
  constructor(dependency: Dependency, cause?: unknown) {
    super(
      503,
      dependency === 'database'
        ? 'The database is unavailable; please retry shortly'
        : 'The session store is unavailable; please retry shortly',
    );
    this.cause = cause;
  }
}

/** node-redis's errors for "Redis did not answer" (as opposed to a reply error from a command). */
const REDIS_UNAVAILABLE = [
  ClientOfflineError,
  ClientClosedError,
  TimeoutError,
  SocketTimeoutError,
  ConnectionTimeoutError,
  SocketClosedUnexpectedlyError,
  DisconnectsClientError,
  ReconnectStrategyError,
];

/** Prisma's own codes for "could not talk to the database" (https://www.prisma.io/docs/orm/reference/error-reference). */
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** Kinds of driver-adapter errors (@prisma/adapter-pg) that mean the connection, not the query, failed. */
const DRIVER_CONNECTION_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
/**
 * PostgreSQL SQLSTATEs that mean "unavailable", not "your query is wrong"
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08 connection exceptions,
 * 53300 too many connections, 57014 statement timeout, 57P01-57P05 shutdown / cannot connect now / idle timeouts.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || code === '57014' || /^57P0[1-5]$/.test(code);
}
/** Node's socket errnos (what pg reports when the network fails under it). */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * pg and pg-pool raise these without any code (a connection dropped mid-query, the pool's connect timeout,
 * pg's query_timeout), so their text is the only handle. Matched only on errors that came through Prisma.
 */
const PG_CODELESS_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout/i;

interface DriverAdapterCause {
  kind?: string;
  code?: string;
  originalCode?: string;
}

/** `err` and the errors that caused it, outermost first. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 5; ) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

function isPrismaError(err: Error): boolean {
  // Every Prisma client error carries the client version; some re-thrown driver errors are plain Errors with it.
  return 'clientVersion' in err;
}

/** Whether `err` (from Prisma, or from node-postgres itself) says the database is unreachable or failing. */
export function databaseUnavailable(err: Error): boolean {
  const { code, meta } = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: DriverAdapterCause } } };
  if (typeof code === 'string' && PRISMA_CONNECTION_CODES.has(code)) return true;
  const driver = meta?.driverAdapterError?.cause;
  if (driver?.kind && DRIVER_CONNECTION_KINDS.has(driver.kind)) return true;
  const sqlState = driver?.originalCode ?? driver?.code;
  if (sqlState && isUnavailableSqlState(sqlState)) return true;
  for (const e of causeChain(err)) {
    const errno = (e as { code?: unknown }).code;
    if (typeof errno === 'string' && NETWORK_ERRNOS.has(errno)) return true;
    if (e instanceof Error && PG_CODELESS_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/**
 * For code that talks to node-postgres directly (the catalog page, the fallback checkout), whose errors are not
 * Prisma's and so are not classified by the error handler: a database failure becomes the 503 error, anything
 * else (a refusal such as 25006, a constraint) passes through unchanged.
 */
export function asDependencyFailure(err: unknown): unknown {
  return err instanceof Error && databaseUnavailable(err) ? new DependencyUnavailableError('database', err) : err;
}

/** Which dependency an unexpected error says is unavailable, if any (then the answer is 503, not 500). */
export function dependencyOf(err: unknown): Dependency | undefined {
  const chain = causeChain(err);
  if (chain.some((e) => REDIS_UNAVAILABLE.some((RedisError) => e instanceof RedisError))) return 'redis';
  if (chain.some((e) => e instanceof Error && isPrismaError(e) && databaseUnavailable(e))) return 'database';
  return undefined;
}

export function errorBody(statusCode: number, message: string, details?: Record<string, unknown>) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...details };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | Error, request: FastifyRequest, reply: FastifyReply) => {
    // A failed request leaves the session as it was: nothing half-changed is saved, and when Redis itself
    // failed, the session plugin does not try (and fail) to save again while this answer is sent.
    (request as { session?: unknown }).session = undefined;
    // No cache may keep an error (a shared cache keeps serving its last good copy instead: stale-if-error).
    reply.header('cache-control', PRIVATE_NO_STORE);
    if (err instanceof DomainError) {
      const status = statusOf(err);
      return reply.code(status).send(errorBody(status, err.message, err.details));
    }
    if (err instanceof HttpError) {
      if (err.statusCode >= 500) request.log.warn({ err }, err.message);
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, err.details));
    }
    const fastifyErr = err as FastifyError;
    if (fastifyErr.validation) {
      return reply.code(400).send(errorBody(400, err.message));
    }
    const status = fastifyErr.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON (400), body too large (413), wrong media type (415), 429…
      return reply.code(status).send(errorBody(status, err.message));
    }
    const dependency = dependencyOf(err);
    if (dependency) {
      const unavailable = new DependencyUnavailableError(dependency, err);
      request.log.warn({ err: err.message, dependency }, 'dependency unavailable');
      return reply.code(503).header('retry-after', '2').send(errorBody(503, unavailable.message));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody(500, 'Something went wrong on our side; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .header('cache-control', PRIVATE_NO_STORE)
      .send(errorBody(404, `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
}
