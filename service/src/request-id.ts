// The id of each request (logs, the x-request-id answer header). A caller's X-Request-Id is kept only when it is
// a plausible correlation id: 1 to 64 characters of letters, digits and . _ : - (a UUID, a W3C trace id, an AWS
// trace id without its `;` parts). Anything else (issue #23: ids of any length were used and logged as sent,
// control characters included) is replaced by a fresh UUID, so a log line's id is bounded and never carries
// what a client chose to inject. Not refused with a 400: a bad tracing header is no reason to fail a purchase.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify's genReqId (with requestIdHeader off, so Fastify never takes the header as it is). */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && REQUEST_ID_PATTERN.test(sent) ? sent : randomUUID();
}
