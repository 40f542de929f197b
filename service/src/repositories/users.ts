// Accounts' data access. Both go to the writer: a shopper who just registered in this region must be able to
// log in at once, whatever the replica's lag.
import type { Database } from '../db.js';
import { AlreadyExistsError } from '../errors.js';
import { isUniqueViolation } from './prisma-errors.js';

export function createUserRepository(db: Database) {
  return {
    /** A new customer; AlreadyExistsError when the (normalised) email is taken. */
    async createUser(email: string, passwordHash: string) {
      try {
        return await db.writer.user.create({ data: { email: email.toLowerCase(), passwordHash } });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AlreadyExistsError('An account with this email already exists');
        throw err;
      }
    },

    findUserByEmail(email: string) {
      return db.writer.user.findUnique({ where: { email: email.toLowerCase() } });
    },

    /**
     * The user's role now, or undefined when the account is gone. On the consistent path: a demotion committed
     * anywhere before the request began is seen (issue #23: a session's copy of the role lived 7 days).
     */
    async currentRole(userId: string): Promise<'customer' | 'admin' | undefined> {
      const user = await db.consistent.user.findUnique({ where: { id: userId }, select: { role: true } });
      return user?.role;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
