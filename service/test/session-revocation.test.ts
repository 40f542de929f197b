// Issue #23 (low): nothing could revoke a session; a stolen or forgotten one stayed signed in for its 7 days.
// "Log out everywhere" (POST /api/auth/logout-everywhere) ends every session of the account, in every region:
// sessions live in each region's own Redis, so the revocation is the account's session generation in the (global)
// database. The instance that took the request refuses the account's sessions at once, every other instance within
// SESSION_CHECK_SECONDS (plus, in another region, the replication lag); a lagging replica never signs anyone out.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let ctx: TestContext;
/** Another region: the same database, its own Redis keyspace (its own ElastiCache), so its own sessions. */
let otherRegion: FastifyInstance;
/** A second instance of this region that trusts what it read for one second. */
let sibling: FastifyInstance;
beforeAll(async () => {
  ctx = await createTestContext();
  otherRegion = await ctx.anotherApp({ REDIS_KEY_PREFIX: `${ctx.prefix}other-region:`, SESSION_CHECK_SECONDS: '0' });
  sibling = await ctx.anotherApp({ SESSION_CHECK_SECONDS: '1' });
});
afterAll(() => ctx?.close());

let n = 0;
async function account(role: 'customer' | 'admin' = 'customer'): Promise<string> {
  const email = `revoke${++n}@test.io`;
  await insertUser(ctx.db, email, 'revoke-password-1', role);
  return email;
}
/** The Redis key of the client's session: its cookie is the session id and a signature (@fastify/session). */
const sessionKey = (client: Client) => `${ctx.prefix}sess:${decodeURIComponent(client.sessionCookie!).split('.')[0]}`;

async function signedIn(email: string, app = ctx.app): Promise<Client> {
  const client = new Client(app);
  await client.login(email, 'revoke-password-1');
  return client;
}

describe('log out everywhere', () => {
  it('ends every session of the account, on this instance at once, in another region, and the next sign-in works', async () => {
    const email = await account();
    const laptop = await signedIn(email);
    const phone = await signedIn(email);
    const phoneSession = sessionKey(phone);
    const abroad = await signedIn(email, otherRegion);
    for (const c of [laptop, phone, abroad]) expect((await c.get('/api/auth/me')).statusCode).toBe(200);

    const laptopSession = sessionKey(laptop);
    const res = await laptop.post('/api/auth/logout-everywhere');
    expect(res.statusCode).toBe(204);
    expect(await ctx.app.deps.redis.client.exists(laptopSession)).toBe(0);

    for (const c of [laptop, phone, abroad]) {
      expect((await c.get('/api/auth/me')).statusCode).toBe(401);
      expect((await c.get('/api/orders')).statusCode).toBe(401);
    }
    // A refused session is deleted, not only refused.
    expect(await ctx.app.deps.redis.client.exists(phoneSession)).toBe(0);
    const again = await signedIn(email);
    expect((await again.get('/api/auth/me')).json()).toMatchObject({ email });
  });

  it("ends them on the region's other instances within SESSION_CHECK_SECONDS", async () => {
    const email = await account();
    const elsewhere = (await signedIn(email)).useApp(sibling);
    expect((await elsewhere.get('/api/auth/me')).statusCode).toBe(200);
    await (await signedIn(email)).post('/api/auth/logout-everywhere');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await elsewhere.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('answers a revoked session 401 "Signed out" in the API error shape and it changes nothing', async () => {
    const email = await account();
    const stolen = await signedIn(email);
    const product = await insertProduct(ctx.db, { stock: 5 });
    expect((await stolen.put(`/api/cart/items/${product.id}`, { quantity: 1 })).statusCode).toBe(200);
    await (await signedIn(email)).post('/api/auth/logout-everywhere');

    const before = await snapshotDatabase(ctx.db);
    const order = await stolen.post('/api/orders', {});
    expect(order.statusCode).toBe(401);
    expect(order.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Signed out: log in again' });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });

  it("leaves other accounts' sessions signed in", async () => {
    const [mine, theirs] = [await account(), await account()];
    const other = await signedIn(theirs);
    await (await signedIn(mine)).post('/api/auth/logout-everywhere');
    expect((await other.get('/api/auth/me')).json()).toMatchObject({ email: theirs });
  });

  it('ends admin sessions too, from another region at once: an admin route answers 401, not the stale rights', async () => {
    const email = await account('admin');
    const admin = await signedIn(email);
    const p = await insertProduct(ctx.db, { priceCents: 100 });
    expect((await admin.patch(`/api/products/${p.id}`, { priceCents: 200 })).statusCode).toBe(200);
    await (await signedIn(email, otherRegion)).post('/api/auth/logout-everywhere');
    expect((await admin.patch(`/api/products/${p.id}`, { priceCents: 300 })).statusCode).toBe(401);
  });

  it('needs a signed-in session (401) and revokes nothing for an anonymous one', async () => {
    const email = await account();
    const client = await signedIn(email);
    const before = await snapshotDatabase(ctx.db);
    expect((await new Client(ctx.app).post('/api/auth/logout-everywhere')).statusCode).toBe(401);
    expect(await snapshotDatabase(ctx.db)).toBe(before);
    expect((await client.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('keeps sessions signed in before the release (no generation stored) until the account revokes', async () => {
    const email = await account();
    const client = await signedIn(email);
    // What a session of the previous release holds: the user without a generation.
    const key = sessionKey(client);
    const redis = ctx.app.deps.redis.client;
    const stored = JSON.parse((await redis.get(key))!);
    expect(stored.user.sessionGeneration).toBe(0);
    delete stored.user.sessionGeneration;
    await redis.set(key, JSON.stringify(stored), { KEEPTTL: true });
    expect((await client.get('/api/auth/me')).statusCode).toBe(200);
    await (await signedIn(email)).post('/api/auth/logout-everywhere');
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('remembers at most SESSION_CHECK_MAX_ACCOUNTS accounts per instance', async () => {
    const small = await ctx.anotherApp({ SESSION_CHECK_MAX_ACCOUNTS: '2' });
    for (let i = 0; i < 4; i++) {
      const c = await signedIn(await account(), small);
      expect((await c.get('/api/auth/me')).statusCode).toBe(200);
    }
    expect(small.deps.sessionGenerations.size).toBe(2);
  });
});

describe('the session check while the database is unavailable', () => {
  it('answers 503 in the error shape when the check is due, and keeps the session for when it is back', async () => {
    const email = await account();
    // The instance's reader is a port nothing listens on: the check cannot be made there.
    const deadReader = await ctx.anotherApp({
      DATABASE_READ_URL: 'postgresql://postgres@127.0.0.1:1/nothing',
      SESSION_CHECK_SECONDS: '0',
    });
    const shopper = (await signedIn(email)).useApp(deadReader);
    const me = await shopper.get('/api/auth/me');
    expect(me.statusCode).toBe(503);
    expect(me.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    // Not signed out: the same session works where the database answers.
    expect((await shopper.useApp(ctx.app).get('/api/auth/me')).statusCode).toBe(200);
  });
});

describe('the session check under a lagging reader', () => {
  // The "replica" is a second database: it holds only what a test copies there, i.e. a replica lagging forever.
  let replica: TestDatabase;
  let signIn: FastifyInstance;
  let serve: FastifyInstance;
  beforeAll(async () => {
    replica = await createTestDatabase();
    signIn = await ctx.anotherApp({ DATABASE_READ_URL: replica.url });
    serve = await ctx.anotherApp({ DATABASE_READ_URL: replica.url, SESSION_CHECK_SECONDS: '0' });
  });
  afterAll(() => replica?.drop());

  async function statements(app: FastifyInstance, pool: 'reader' | 'consistent'): Promise<number> {
    const metric = await app.deps.metrics.dbQueries.get();
    return metric.values.filter((v) => v.labels.pool === pool).reduce((sum, v) => sum + v.value, 0);
  }
  const replicateAccount = async (email: string) => {
    const { rows } = await ctx.db.pool.query('SELECT * FROM users WHERE email = $1', [email]);
    const u = rows[0];
    await replica.pool.query(
      `INSERT INTO users (id, email, password_hash, role, created_at, session_generation) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET session_generation = EXCLUDED.session_generation`,
      [u.id, u.email, u.password_hash, u.role, u.created_at, u.session_generation],
    );
  };

  it('keeps a fresh sign-in signed in on another instance while the replica lacks the account', async () => {
    const email = await account();
    const shopper = (await signedIn(email, signIn)).useApp(serve);
    const consistentBefore = await statements(serve, 'consistent');
    expect((await shopper.get('/api/auth/me')).statusCode).toBe(200);
    // The reader did not have the account: the check was repeated on the consistent path.
    expect((await statements(serve, 'consistent')) - consistentBefore).toBe(1);
  });

  it('keeps a sign-in made after a revocation while the replica has only the older generation', async () => {
    const email = await account();
    await replicateAccount(email);
    await (await signedIn(email, signIn)).post('/api/auth/logout-everywhere');
    // The replica still holds generation 0; the new session signed in at 1.
    const shopper = (await signedIn(email, signIn)).useApp(serve);
    expect((await shopper.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('reads only the reader once the replica has caught up', async () => {
    const email = await account();
    await replicateAccount(email);
    const shopper = (await signedIn(email, signIn)).useApp(serve);
    const [readerBefore, consistentBefore] = [await statements(serve, 'reader'), await statements(serve, 'consistent')];
    expect((await shopper.get('/api/auth/me')).statusCode).toBe(200);
    expect((await statements(serve, 'reader')) - readerBefore).toBe(1);
    expect((await statements(serve, 'consistent')) - consistentBefore).toBe(0);
  });
});
