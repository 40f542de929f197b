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
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
