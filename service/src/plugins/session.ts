// Sessions in Redis (connect-redis on the shared node-redis client), so any instance serves any session.
// Registered only around the routes that need a session (app.ts): the catalog keeps working without Redis.
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { RedisStore } from 'connect-redis';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const SESSION_COOKIE = 'sid';
const SESSION_TTL_SECONDS = 7 * 24 * 3600;

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
      maxAge: SESSION_TTL_SECONDS * 1000,
    },
    store: new RedisStore({
      client: redis.client,
      prefix: `${config.redisKeyPrefix}sess:`,
      ttl: SESSION_TTL_SECONDS,
    }) as unknown as fastifySession.SessionStore,
  });
}

export default fp(sessionPlugin, { name: 'edgecart-session' });
