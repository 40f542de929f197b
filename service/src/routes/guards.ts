// preHandlers for routes that need a logged-in user or an admin. Admin rights are read from the database on every
// admin request, never from the session's copy of the role (made at sign-in, and kept for the session's life), so
// a demotion takes effect on the next admin request after it commits; customer routes need no database read.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import type { SessionUser } from '../types.js';

export async function requireUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.session.user) throw unauthorized();
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const user = request.session.user;
  if (!user) throw unauthorized();
  const role = await request.server.deps.users.currentRole(user.id);
  // The account no longer exists: the session is worthless.
  if (role === undefined) throw unauthorized();
  if (role !== 'admin') throw forbidden('Admins only');
}

/** The session's user; only call after requireUser/requireAdmin. */
export function currentUser(request: FastifyRequest): SessionUser {
  const user = request.session.user;
  if (!user) throw unauthorized();
  return user;
}
