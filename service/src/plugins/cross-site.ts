// CSRF defence in depth (issue #23): SameSite=Lax cookies alone let a page on any sibling subdomain (same site)
// post to the API with the shopper's cookie. For unsafe methods (POST, PUT, PATCH, DELETE):
// - a body must be application/json: the text/plain parser is removed, so any other type is a 415 (an HTML form
//   can send only urlencoded, multipart or text/plain, never JSON without a CORS preflight);
// - a browser's cross-origin request is refused with 403 unless its Origin is allowed: Sec-Fetch-Site
//   `same-origin` or `none` (typed by the user) passes; otherwise the Origin must be one of ALLOWED_ORIGINS (by
//   default the shop's own origin, from ASSETS_BASE_URL when it is absolute, and CORS_ORIGINS) or name the Host
//   the request was sent to (a local run). A request with neither header is not from a browser, so not CSRF.
// Hand-written: @fastify/csrf-protection is token-based (a token in every form and fetch); the Fetch Metadata and
// Origin checks OWASP recommends are a few comparisons per unsafe request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class CrossSiteRequestError extends HttpError {
  constructor() {
    super(403, 'Cross-site requests are refused; use the shop itself');
  }
}

async function crossSitePlugin(app: FastifyInstance) {
  const allowed = new Set(app.deps.config.allowedOrigins);
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    if (!UNSAFE.has(request.method)) return done();
    const site = request.headers['sec-fetch-site'];
    if (site === 'same-origin' || site === 'none') return done();
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (allowed.has(origin) || sameHost(origin, request.headers.host)) return done();
      return done(new CrossSiteRequestError());
    }
    // Sec-Fetch-Site same-site or cross-site without an Origin to allow it; neither header: not a browser.
    done(site === undefined ? undefined : new CrossSiteRequestError());
  });
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export default fp(crossSitePlugin, { name: 'edgecart-cross-site' });
