// Sessions in Redis (connect-redis on the shared node-redis client), so any instance serves any session.
// Registered only around the routes that need a session (app.ts): the catalog keeps working without Redis.
//
// A session is stored only when a request put something in it (saveUninitialized: false: a cart line, a
// sign-in), and how long it lives depends on what it holds (issue #23: every cookie-less cart write stored a
// 7-day session, about 350 MB a day from one IP at the rate limit). An anonymous session (a cart) lives
// ANONYMOUS_SESSION_TTL_SECONDS (2 hours by default) after its last change; signing in moves it to
// SIGNED_IN_SESSION_TTL_SECONDS (7 days). One number drives both the cookie's Max-Age and the Redis key's TTL:
// connect-redis takes the TTL from the cookie's expiry when given no TTL function.
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { RedisStore } from 'connect-redis';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const SESSION_COOKIE = 'sid';
export const SIGNED_IN_SESSION_TTL_SECONDS = 7 * 24 * 3600;

/** From now on this session lives as a signed-in one (call after regenerate, on the new session). */
export function keepAsSignedIn(request: FastifyRequest): void {
  request.session.cookie.maxAge = SIGNED_IN_SESSION_TTL_SECONDS * 1000;
}

async function sessionPlugin(app: FastifyInstance) {
  const { config, redis } = app.deps;
  const production = config.nodeEnv === 'production';
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    // Rolling off: the TTL is refreshed on every save, and a read-only request does not rewrite the session.
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: production,
      path: '/',
      // Every session starts anonymous; keepAsSignedIn lengthens it at sign-in.
      maxAge: config.anonymousSessionTtlSeconds * 1000,
    },
    store: new RedisStore({
      client: redis.client,
      prefix: `${config.redisKeyPrefix}sess:`,
      // Only used for a session without a cookie expiry, which this plugin never makes.
      ttl: config.anonymousSessionTtlSeconds,
    }) as unknown as fastifySession.SessionStore,
  });
}

export default fp(sessionPlugin, { name: 'edgecart-session' });
