// Internal endpoints off the public path (issue #23): /metrics, /ready and the API docs (/docs, /docs/json, its
// assets) are served only on the internal listener (INTERNAL_PORT), which the ALB's health check, Prometheus
// scrapers and operators (SSM Session Manager port forwarding) reach and CloudFront and the ALB's listener never
// forward to. On the public port those paths answer 404, as any unknown path does, after the per-IP rate limit
// has counted them. /health answers on both: the ALB checks it on the internal port, local tools on either.
//
// The internal listener is a second node:http server handing its requests to the same Fastify app
// (`app.routing`), marked with a symbol no client can set, so every route, hook and schema is the app's own and
// the public routes pay nothing for it but one property read in the rate limiter.
// INTERNAL_PORT=0 (refused in production, config.ts) serves everything on the main port, as before: tests and the lab.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError } from '../errors.js';

const INTERNAL = Symbol('edgecart.internal-listener');

/** Paths served only on the internal listener. */
export function isInternalPath(url: string): boolean {
  return url === '/metrics' || url === '/ready' || url === '/docs' || url.startsWith('/docs/');
}

/** Whether the request came in through the internal listener. */
export function cameInternally(request: FastifyRequest): boolean {
  return (request.raw as IncomingMessage & { [INTERNAL]?: true })[INTERNAL] === true;
}

function publicRefusal(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
  // The same answer as a path that does not exist: nothing tells a scanner these routes are there.
  if (!cameInternally(request))
    return done(new NotFoundError(`Route ${request.method} ${request.url.split('?')[0]} not found`));
  done();
}

/**
 * The (not yet listening) internal server: server.ts listens it on INTERNAL_PORT; closed with the app. Its
 * timeouts are the public server's, so a probe cannot hold a connection longer than a shopper can.
 */
export function createInternalServer(app: FastifyInstance): Server {
  const server = createServer((req, res) => {
    (req as IncomingMessage & { [INTERNAL]?: true })[INTERNAL] = true;
    app.routing(req, res);
  });
  server.keepAliveTimeout = app.server.keepAliveTimeout;
  server.requestTimeout = app.server.requestTimeout;
  return server;
}

/** Puts the public-port refusal on every internal route registered after it (registered after the rate limit). */
async function internalEndpointsPlugin(app: FastifyInstance) {
  if (app.deps.config.internalPort === 0) return;
  app.addHook('onRoute', (route) => {
    if (!isInternalPath(route.url)) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), publicRefusal];
  });
}

export default fp(internalEndpointsPlugin, { name: 'edgecart-internal-endpoints' });
