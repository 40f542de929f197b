// Accounts' data access. Registration and the login look-up go to the writer: a shopper who just registered in
// this region must be able to log in at once, whatever the replica's lag. The role check of admin routes reads on
// the consistent path, so it sees a demotion committed in any region.
import type { Database } from '../db.js';

export function createUserRepository(db: Database) {
  return {
    /**
     * Creates a customer for `email` (normalised) unless one exists; says nothing about which happened, so the
     * route cannot tell (issue #23: registration must not reveal accounts). One statement either way:
     * INSERT … ON CONFLICT DO NOTHING.
     */
    async registerIfNew(email: string, passwordHash: string): Promise<void> {
      await db.writer.user.createMany({ data: [{ email: email.toLowerCase(), passwordHash }], skipDuplicates: true });
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
