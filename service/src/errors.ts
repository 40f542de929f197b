// One error shape for every failure (API.md "Errors"): { statusCode, error, message } plus optional details.
// Dependency failures become 503 with a message that says which dependency, never a 500 or a hang.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
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
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, details?: Record<string, unknown>) => new HttpError(409, message, details);

export class DependencyUnavailableError extends HttpError {
  constructor(dependency: 'database' | 'redis', cause?: unknown) {
    super(
      503,
      dependency === 'database'
        ? 'The database is unavailable; please retry shortly'
        : 'The session store is unavailable; please retry shortly',
    );
    this.cause = cause;
  }
}

const REDIS_ERRORS = new Set([
  'ClientOfflineError',
  'ClientClosedError',
  'TimeoutError',
  'SocketTimeoutError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'DisconnectsClientError',
  'ReconnectStrategyError',
]);

const DB_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** Kinds of driver-adapter errors (in a Prisma error's meta) that mean the connection, not the query, failed. */
const DRIVER_CONNECTION_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
const DB_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Can't reach database|server (has )?closed the connection|DatabaseNotReachable|SocketTimeout|ConnectionClosed|Query read timeout|canceling statement due to statement timeout/i;

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.name, err.message, (err as { code?: string }).code ?? ''];
  let cause = err.cause;
  for (let i = 0; cause && i < 4; i++) {
    if (cause instanceof Error) parts.push(cause.name, cause.message, (cause as { code?: string }).code ?? '');
    else if (typeof cause === 'object') parts.push(JSON.stringify(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(' ');
}

/** Which dependency an unexpected error came from, if any. */
export function dependencyOf(err: unknown): 'database' | 'redis' | undefined {
  if (!(err instanceof Error)) return undefined;
  // node-redis errors keep name "Error"; their class names tell them apart.
  const classes = [err, err.cause].filter((e): e is Error => e instanceof Error).flatMap((e) => [e.name, e.constructor.name]);
  if (classes.some((c) => REDIS_ERRORS.has(c))) return 'redis';
  const code = (err as { code?: string }).code;
  if (code && DB_CODES.has(code)) return 'database';
  const kind = (err as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta?.driverAdapterError?.cause
    ?.kind;
  if (kind && DRIVER_CONNECTION_KINDS.has(kind)) return 'database';
  const text = describe(err);
  // Prisma re-throws some pg errors as plain Errors carrying clientVersion, naming neither Prisma nor pg.
  const fromDatabaseClient = 'clientVersion' in err || /Prisma|DriverAdapter|pg|postgres/i.test(text);
  if (fromDatabaseClient && DB_MESSAGES.test(text)) return 'database';
  if (DB_MESSAGES.test(text) && /5432|database/i.test(text)) return 'database';
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
    if (err instanceof HttpError) {
      if (err.statusCode >= 500) request.log.warn({ err }, err.message);
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
    reply.code(404).send(errorBody(404, `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
}
