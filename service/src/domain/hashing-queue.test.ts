// The hashing queue: bounded concurrency, a bounded queue with a deadline, and what a shopper sees when it is
// full (503 + Retry-After in the API error shape) while the catalog keeps answering.
import { scryptSync } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertUser, type TestContext } from '../../test/helpers/app.js';
import { createHashingQueue, defaultHashingQueueOptions, HashingBusyError } from './hashing-queue.js';
import { ARGON2ID, hashPassword, useHashingQueue, verifyPassword } from './passwords.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('hashing queue', () => {
  it('runs at most `concurrency` tasks at once, then the waiting ones in arrival order', async () => {
    const queue = createHashingQueue({ concurrency: 2, maxQueued: 10, maxWaitMs: 60_000 });
    const gates = Array.from({ length: 4 }, deferred);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      queue.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([queue.running, queue.queued]).toEqual([2, 2]);
    gates[1]!.resolve();
    expect(await done[1]).toBe(1);
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
    expect([queue.running, queue.queued]).toEqual([0, 0]);
  });

  it('refuses at once when the queue is full, and frees the slot of a task that failed', async () => {
    const queue = createHashingQueue({ concurrency: 1, maxQueued: 1, maxWaitMs: 60_000, retryAfterSeconds: 3 });
    const gate = deferred();
    const first = queue.run(async () => {
      await gate.promise;
      throw new Error('hash failed');
    });
    const second = queue.run(async () => 'second');
    const third = queue.run(async () => 'third');
    await expect(third).rejects.toBeInstanceOf(HashingBusyError);
    await expect(third).rejects.toMatchObject({ statusCode: 503, reason: 'queue full', retryAfterSeconds: 3 });
    gate.resolve();
    await expect(first).rejects.toThrow('hash failed');
    expect(await second).toBe('second');
    expect(queue.running).toBe(0);
  });

  it('refuses a task that waited past the deadline, and never runs it', async () => {
    const queue = createHashingQueue({ concurrency: 1, maxQueued: 5, maxWaitMs: 20 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    let ran = false;
    const late = queue.run(async () => {
      ran = true;
    });
    await expect(late).rejects.toMatchObject({ reason: 'deadline passed' });
    expect(queue.queued).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('is sized to the machine: half the cores hash, at least one', () => {
    expect(defaultHashingQueueOptions(1).concurrency).toBe(1);
    expect(defaultHashingQueueOptions(2).concurrency).toBe(1);
    expect(defaultHashingQueueOptions(8).concurrency).toBe(4);
    expect(defaultHashingQueueOptions(8).maxQueued).toBeGreaterThan(0);
  });
});

describe('passwords', () => {
  it('hashes with argon2id at OWASP’s minimum strength and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    // OWASP's 7 MiB, t=5 row (equal in defense to its 19 MiB, t=2 minimum).
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('wrong horse battery', stored)).toBe(false);
  });

  it('still verifies accounts hashed at the 19 MiB, t=2 setting used before', async () => {
    const stored = await argon2Hash('older-account-pw', { ...ARGON2ID, memoryCost: 19_456, timeCost: 2 });
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('older-account-pw', stored)).toBe(true);
    expect(await verifyPassword('another-pw', stored)).toBe(false);
  });

  it('still verifies accounts hashed with scrypt before argon2id', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const digest = scryptSync('old-account-pw', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 });
    const stored = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64'), digest.toString('base64')].join('$');
    expect(await verifyPassword('old-account-pw', stored)).toBe(true);
    expect(await verifyPassword('not-the-pw', stored)).toBe(false);
    expect(await verifyPassword('old-account-pw', 'md5$whatever')).toBe(false);
  });
});

describe('sign-ins when hashing is saturated', () => {
  let ctx: TestContext;
  const gate = deferred();
  let previous: ReturnType<typeof useHashingQueue> | undefined;

  beforeAll(async () => {
    ctx = await createTestContext();
    await insertUser(ctx.db, 'busy@test.io', 'busy-password-1', 'customer');
    // One slot, held by a hash that does not finish, and one waiting place, taken too.
    const queue = createHashingQueue({ concurrency: 1, maxQueued: 1, maxWaitMs: 60_000, retryAfterSeconds: 2 });
    previous = useHashingQueue(queue);
    void queue.run(() => gate.promise);
    void queue.run(() => gate.promise);
  });
  afterAll(async () => {
    gate.resolve();
    if (previous) useHashingQueue(previous);
    await ctx?.close();
  });

  it('answers register and login 503 with Retry-After in the API error shape, and creates nothing', async () => {
    const register = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'flash-sale@test.io', password: 'long-enough-pw' },
    });
    expect(register.statusCode).toBe(503);
    expect(register.headers['retry-after']).toBe('2');
    expect(register.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/retry/i),
    });
    const { rows } = await ctx.db.pool.query('SELECT 1 FROM users WHERE email = $1', ['flash-sale@test.io']);
    expect(rows).toEqual([]);

    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'busy@test.io', password: 'busy-password-1' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.headers['retry-after']).toBe('2');
  });

  it('serves the catalog meanwhile', async () => {
    const list = await ctx.app.inject({ url: '/api/products?limit=5' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ items: expect.any(Array) });
    const health = await ctx.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
  });
});
