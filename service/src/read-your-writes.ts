// Read-your-writes with a lagging reader: a session that wrote recently reads from the writer, every other
// read goes to the (regional) reader. The session remembers when it last wrote; once the window
// (READ_YOUR_WRITES_WINDOW_MS, longer than the replica's lag) has passed, the replica has the write too.
// A time window rather than a commit LSN: Aurora has no pg_current_wal_lsn() / replay-LSN functions to compare.
import type { Session } from 'fastify';
import type { ReadFrom } from './repositories/orders.js';

/** Call after a committed write the shopper will want to see. */
export function rememberWrite(session: Session, now = Date.now()): void {
  session.lastWriteAt = now;
}

/** Where this session's reads of its own data go now. */
export function readFromFor(session: Session, windowMs: number, now = Date.now()): ReadFrom {
  const last = session.lastWriteAt;
  return last !== undefined && now - last < windowMs ? 'writer' : 'reader';
}
