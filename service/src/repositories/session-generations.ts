// Whether a signed-in session still stands (issue #23: nothing could revoke a session). Sessions live in each
// region's own Redis, so "log out everywhere" cannot reach them; it raises the account's session generation in
// the global database instead, and a session signed in at a lower generation is refused. Generations only grow.
//
// What a check costs, and its bound:
// - Each instance remembers the last generation it read per account for SESSION_CHECK_SECONDS (10 s), at most
//   SESSION_CHECK_MAX_ACCOUNTS accounts (LRU; about 100 bytes each). Within that time a signed-in request reads
//   nothing, so a checkout stays one statement; past it, one primary-key read on the regional reader.
// - Sign-in primes it (the login look-up reads the generation on the consistent path) and "log out everywhere"
//   sets the new value, so this instance refuses the revoked sessions at once; any other instance within
//   SESSION_CHECK_SECONDS, plus the global database's replication lag in another region.
// - The reader may lag: it may not have the account yet (a sign-in right after registering, in a secondary) or
//   only an older generation than the session's. Neither can be a revocation, since generations only grow, so both
//   are read again on the consistent path, which sees every commit made before the read began.
import { LRUCache } from 'lru-cache';
import type { Database } from '../db.js';

export interface SessionGenerationsOptions {
  /** How long an instance trusts a generation it read; 0 reads on every signed-in request. */
  checkSeconds: number;
  /** How many accounts an instance remembers (least recently used go first). */
  maxAccounts: number;
}

type Client = Database['reader'];

async function generationOn(client: Client, userId: string): Promise<number | undefined> {
  const user = await client.user.findUnique({ where: { id: userId }, select: { sessionGeneration: true } });
  return user?.sessionGeneration;
}

export function createSessionGenerations(db: Database, options: SessionGenerationsOptions) {
  const known =
    options.checkSeconds > 0
      ? new LRUCache<string, number>({ max: options.maxAccounts, ttl: options.checkSeconds * 1000 })
      : undefined;

  /** What a read on the consistent path, or this instance's own write, found: the account's generation now. */
  function remember(userId: string, generation: number): void {
    const remembered = known?.get(userId);
    if (remembered === undefined || generation >= remembered) known?.set(userId, generation);
  }

  return {
    remember,

    /**
     * Whether a session of `userId` signed in at `generation` still stands: false once the account logged out
     * everywhere since (or is gone).
     */
    async stands(userId: string, generation: number): Promise<boolean> {
      const remembered = known?.get(userId);
      // A remembered value below the session's is only out of date (the session signed in after it was read).
      if (remembered !== undefined && remembered >= generation) return remembered === generation;
      let current = await generationOn(db.reader, userId);
      if (current === undefined || current < generation) current = await generationOn(db.consistent, userId);
      if (current === undefined) {
        known?.delete(userId);
        return false;
      }
      remember(userId, current);
      return current === generation;
    },

    /** Accounts this instance remembers now (for the bound's test). */
    get size(): number {
      return known?.size ?? 0;
    },
  };
}

export type SessionGenerations = ReturnType<typeof createSessionGenerations>;
