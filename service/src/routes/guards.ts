// preHandlers for routes that need a logged-in user or an admin. Each signed-in request checks the account against
// the database, never only the session's copy made at sign-in (which lives 7 days):
// - the sign-in must still stand: the account exists and has not logged out everywhere since
//   (repositories/session-generations.ts: remembered per instance for SESSION_CHECK_SECONDS, else the reader);
// - admin rights are the account's role now, read with the generation on the consistent path on every admin
//   request, so a demotion or a revocation takes effect on the next admin request after it commits.
// A session whose sign-in no longer stands is destroyed and answers 401: the client signs in again.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import type { SessionUser } from '../types.js';

/** Sessions made before generations existed carry none: they signed in at the column's default, 0. */
const generationOf = (user: SessionUser): number => user.sessionGeneration ?? 0;

async function endedSession(request: FastifyRequest): Promise<Error> {
  await request.session.destroy();
  return unauthorized('Signed out: log in again');
}

export async function requireUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const user = request.session.user;
  if (!user) throw unauthorized();
  if (!(await request.server.deps.sessionGenerations.stands(user.id, generationOf(user))))
    throw await endedSession(request);
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const user = request.session.user;
  if (!user) throw unauthorized();
  const { users, sessionGenerations } = request.server.deps;
  const rights = await users.currentRights(user.id);
  if (rights) sessionGenerations.remember(user.id, rights.sessionGeneration);
  if (rights === undefined || rights.sessionGeneration !== generationOf(user)) throw await endedSession(request);
  if (rights.role !== 'admin') throw forbidden('Admins only');
}

/** The session's user; only call after requireUser/requireAdmin. */
export function currentUser(request: FastifyRequest): SessionUser {
  const user = request.session.user;
  if (!user) throw unauthorized();
  return user;
}
