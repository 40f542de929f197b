// Accounts and sessions. The session lives in Redis (any instance serves it); its id changes at login and
// registration so a session id planted before login is worthless afterwards (session fixation).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../domain/passwords.js';
import { conflict, unauthorized } from '../errors.js';
import { Prisma as PrismaNS } from '../generated/prisma/client.js';
import type { SessionUser } from '../types.js';
import { requireUser } from './guards.js';
import { errors } from './schemas.js';

const email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const Credentials = Type.Object(
  { email, password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const Registration = Type.Object(
  { email, password: Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' }) },
  { additionalProperties: false },
);
const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
});

/** Starts a fresh session id for this user, keeping the anonymous cart. */
async function logIn(request: FastifyRequest, user: SessionUser): Promise<void> {
  const cart = request.session.cart;
  await request.session.regenerate();
  request.session.user = user;
  if (cart) request.session.cart = cart;
}

export default async function authRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.deps;
  const authLimit = app.deps.config.authRateLimitMax;
  // Stricter per-IP limit on the two routes that take a password.
  const limited = { rateLimit: authLimit > 0 ? { max: authLimit, timeWindow: '1 minute' } : false };

  r.post(
    '/api/auth/register',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create an account and log in',
        body: Registration,
        response: { 201: Type.Object({ id: Type.String(), email: Type.String() }), ...errors(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const normalized = request.body.email.toLowerCase();
      const passwordHash = await hashPassword(request.body.password);
      try {
        const user = await db.primary.user.create({ data: { email: normalized, passwordHash } });
        await logIn(request, { id: user.id, email: user.email, role: user.role });
        return reply.code(201).send({ id: user.id, email: user.email });
      } catch (err) {
        if (err instanceof PrismaNS.PrismaClientKnownRequestError && err.code === 'P2002') {
          throw conflict('An account with this email already exists');
        }
        throw err;
      }
    },
  );

  r.post(
    '/api/auth/login',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Log in (the session id is regenerated)',
        body: Credentials,
        response: { 200: User, ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      // The writer: a user who just registered in this region must be able to log in at once.
      const user = await db.primary.user.findUnique({ where: { email: request.body.email.toLowerCase() } });
      // Same work and same answer whether the email is unknown or the password wrong.
      const ok = await verifyPassword(request.body.password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok) throw unauthorized('Wrong email or password');
      const sessionUser: SessionUser = { id: user.id, email: user.email, role: user.role };
      await logIn(request, sessionUser);
      return sessionUser;
    },
  );

  r.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Log out (the session is destroyed)', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await request.session.destroy();
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/auth/me',
    {
      preHandler: requireUser,
      schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: User, ...errors(401) } },
    },
    async (request) => request.session.user!,
  );
}
