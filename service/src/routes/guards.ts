// preHandlers for routes that need a logged-in user or an admin.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import type { SessionUser } from '../types.js';

export async function requireUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.session.user) throw unauthorized();
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const user = request.session.user;
  if (!user) throw unauthorized();
  if (user.role !== 'admin') throw forbidden('Admins only');
}

/** The session's user; only call after requireUser/requireAdmin. */
export function currentUser(request: FastifyRequest): SessionUser {
  const user = request.session.user;
  if (!user) throw unauthorized();
  return user;
}
