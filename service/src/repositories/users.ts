// Accounts' data access. Registration and "log out everywhere" go to the writer; the login look-up and the rights
// check of admin routes read on the consistent path (session-generations.ts checks other signed-in requests). A
// shopper who just registered must be able to log in at once, on either instance: in a secondary region the
// writer path answers plain reads from the local replica and waits only for that connection's own forwarded
// writes (Aurora's session mode), so a registration made on another connection could be missing. The consistent path waits for everything committed before the read began, known account or not,
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
     * path: a demotion or a "log out everywhere" committed anywhere before the request began is seen (issue #23: a
     * session's copy of the role lived 7 days).
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
     * Ends every session of the account, in every region: they signed in at a lower generation
     * (session-generations.ts). Answers the new generation; one forwarded UPDATE … RETURNING.
     */
    async revokeSessions(userId: string): Promise<number | undefined> {
      const [user] = await db.writer.user.updateManyAndReturn({
        where: { id: userId },
        data: { sessionGeneration: { increment: 1 } },
        select: { sessionGeneration: true },
      });
      return user?.sessionGeneration;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
