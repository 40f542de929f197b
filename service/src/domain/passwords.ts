// Password hashing: argon2id (OWASP's first choice) through @node-rs/argon2, whose npm package ships prebuilt
// binaries (no compiler, no install script). Measured on the bench machine: ≈ 34 ms of one core per hash at
// OWASP's minimum argon2id setting, against ≈ 330 ms for scrypt at OWASP's minimum (N=2^15, r=8, p=3), so
// the same machine serves about ten times the sign-ups at equal strength.
// Every hash and verification goes through the hashing queue (hashing-queue.ts): bounded concurrency, so a
// burst of sign-ups is answered 503 + Retry-After instead of starving the catalog of CPU.
// Stored hashes are self-describing: `$argon2id$v=19$m=…,t=…,p=…$salt$hash` (PHC) for new ones, and
// `scrypt$N$r$p$salt$hash` for accounts created before argon2id, which keep verifying with their own cost.
import { randomBytes, scrypt as scryptCb, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { createHashingQueue, defaultHashingQueueOptions, type HashingQueue } from './hashing-queue.js';

/**
 * OWASP Password Storage Cheat Sheet, argon2id: its minimum is "19 MiB of memory, an iteration count of 2, and 1
 * degree of parallelism", listed with m=12288 t=3, m=9216 t=4 and m=7168 t=5 (p=1): "These configuration settings
 * provide an equal level of defense, and the only difference is a trade off between CPU and RAM usage"
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id). We take the
 * 7 MiB, t=5 row: the same CPU per hash (≈ memory × passes) for 12 MiB less resident memory per running hash,
 * which is what an instance capped at a few hundred MB runs out of first. Hashes made with other settings (the
 * 19 MiB row before) keep verifying: the PHC string carries its own cost.
 */
export const ARGON2ID = { algorithm: 2 as Algorithm, memoryCost: 7_168, timeCost: 5, parallelism: 1 };

/** The scrypt cost accounts created before argon2id were hashed with (only read now, never written). */
const SCRYPT_MAXMEM = 128 * 1024 * 1024;
const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

let queue: HashingQueue = createHashingQueue(defaultHashingQueueOptions());

/** Replaces the process's hashing queue (tests, or an operator's sizing); returns the one in use before. */
export function useHashingQueue(next: HashingQueue): HashingQueue {
  const previous = queue;
  queue = next;
  return previous;
}

/** Hashes a new password with argon2id; rejects with HashingBusyError (503) when the queue is full. */
export function hashPassword(password: string): Promise<string> {
  return queue.run(() => hash(password, ARGON2ID));
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, digest] = stored.split('$');
  if (!salt || !digest) return false;
  const expected = Buffer.from(digest, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT_MAXMEM,
  });
  return timingSafeEqual(actual, expected);
}

/** Whether `password` matches `stored` (either format); rejects with HashingBusyError (503) when the queue is full. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) return queue.run(() => verify(stored, password));
  if (stored.startsWith('scrypt$')) return queue.run(() => verifyScrypt(password, stored));
  return Promise.resolve(false);
}

// Verified against when the e-mail is unknown, so a wrong e-mail costs the same time as a wrong password.
// Made once, with no wait in the queue: it must not fail because sign-ins are busy.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('not-a-real-password-only-for-timing', { ...ARGON2ID, salt: randomBytes(16) });
  return dummyHash;
}
