// Accounts' data access. Registration and "log out everywhere" go to the writer; the login look-up and the role
// check of admin routes read on the consistent path, the session generation of other signed-in requests on the
// regional reader. A shopper who just registered must be able to log in at once, on either instance:
// in a secondary region the writer path answers plain reads from the local replica and waits only for that
// connection's own forwarded writes (Aurora's session mode), so a registration made on another connection could
// be missing. The consistent path waits for everything committed before the read began, known account or not,
// so the look-up also costs the same either way (no timing tells which e-mails have accounts).
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
      return db.consistent.user.findUnique({ where: { email: email.toLowerCase() } });
    },

    /**
     * The user's role and session generation now, or undefined when the account is gone. On the consistent
     * path: a demotion committed anywhere before the request began is seen (issue #23: a session's copy of the
     * role lived 7 days).
     */
    async currentRights(
      userId: string,
    ): Promise<{ role: 'customer' | 'admin'; sessionGeneration: number } | undefined> {
      const user = await db.consistent.user.findUnique({
        where: { id: userId },
        select: { role: true, sessionGeneration: true },
      });
      return user ?? undefined;
    },

    /**
     * The account's session generation, or undefined when the account is gone, for every signed-in request. On
     * the regional reader: one in-region primary-key read, never a wait for the primary's commit point, so a
     * "log out everywhere" reaches another region's sessions after the global database's replication lag.
     */
    async sessionGeneration(userId: string): Promise<number | undefined> {
      const user = await db.reader.user.findUnique({ where: { id: userId }, select: { sessionGeneration: true } });
      return user?.sessionGeneration;
    },

    /** Ends every session of the account, in every region: they signed in at a generation that no longer holds. */
    async revokeSessions(userId: string): Promise<void> {
      await db.writer.user.updateMany({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } } });
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
