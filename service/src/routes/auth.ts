// Accounts and sessions. The session lives in Redis (any instance serves it); its id changes at login so a session
// id planted before login is worthless afterwards (session fixation).
//
// Registration answers the same whether or not the e-mail has an account (issue #23: its 409 told which e-mails
// are customers): the same 202 and message, no cookie, the same work (a password hash and one INSERT … ON CONFLICT
// DO NOTHING). It signs nobody in; the client signs in next with the same e-mail and password, which succeeds for
// a new account. What is left: register-then-login with a password of one's own still tells "new" (signed in)
// from "taken" (401), at two rate-limited requests per probe; closing that needs e-mail verification (the account
// usable only from a link mailed to it), and this service sends no mail.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../domain/passwords.js';
import { unauthorized } from '../errors.js';
import {
  CredentialsSchema,
  type RegistrationAccepted,
  RegistrationAcceptedSchema,
  RegistrationSchema,
  UserSchema,
} from '../schemas/auth.js';
import { errorResponses } from '../schemas/common.js';
import type { SessionUser } from '../types.js';
import { keepAsSignedIn } from '../plugins/session.js';
import { currentUser, requireUser } from './guards.js';

/** Starts a fresh session id for this user, keeping the anonymous cart; it now lives as a signed-in session. */
async function logIn(request: FastifyRequest, user: SessionUser): Promise<void> {
  const cart = request.session.cart;
  await request.session.regenerate();
  keepAsSignedIn(request);
  request.session.user = user;
  if (cart) request.session.cart = cart;
}

export const REGISTRATION_ACCEPTED: RegistrationAccepted = {
  message:
    'Registration received. Log in with this e-mail and password; if the e-mail already had an account, its password is unchanged.',
};

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, sessionGenerations, config } = app.deps;
  // Stricter per-IP limit on the two routes that take a password.
  const limited = {
    rateLimit: config.authRateLimitMax > 0 ? { max: config.authRateLimitMax, timeWindow: '1 minute' } : false,
  };

  app.post(
    '/api/auth/register',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create an account (then log in); the same answer whether or not the e-mail has one',
        body: RegistrationSchema,
        response: { 202: RegistrationAcceptedSchema, ...errorResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const passwordHash = await hashPassword(request.body.password);
      await users.registerIfNew(request.body.email, passwordHash);
      return reply.code(202).send(REGISTRATION_ACCEPTED);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Log in (the session id is regenerated)',
        body: CredentialsSchema,
        response: { 200: UserSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const user = await users.findUserByEmail(request.body.email);
      // Same work and same answer whether the email is unknown or the password wrong.
      const ok = await verifyPassword(request.body.password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok) throw unauthorized('Wrong email or password');
      const sessionUser: SessionUser = { id: user.id, email: user.email, role: user.role };
      // Read on the consistent path with the account: this instance needs no read for the next requests.
      sessionGenerations.remember(user.id, user.sessionGeneration);
      await logIn(request, { ...sessionUser, sessionGeneration: user.sessionGeneration });
      return sessionUser;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Log out (the session is destroyed)', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await request.session.destroy();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-everywhere',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: "Log out every session of this account, on every device and in every region (this one's included)",
        response: { 204: Type.Null(), ...errorResponses(401, 503) },
      },
    },
    async (request, reply) => {
      const userId = currentUser(request).id;
      const generation = await users.revokeSessions(userId);
      // This instance refuses the account's other sessions at once; the others within SESSION_CHECK_SECONDS.
      if (generation !== undefined) sessionGenerations.remember(userId, generation);
      await request.session.destroy();
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: requireUser,
      schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: UserSchema, ...errorResponses(401) } },
    },
    async (request) => request.session.user!,
  );
};

export default authRoutes;
