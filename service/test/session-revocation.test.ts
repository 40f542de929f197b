// Issue #23 (low): nothing could revoke a session; a stolen or forgotten one stayed signed in for its 7 days.
// "Log out everywhere" (POST /api/auth/logout-everywhere) ends every session of the account, in every region:
// sessions live in each region's own Redis, so the revocation is the account's session generation in the
// (global) database, checked on every signed-in request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertProduct, insertUser, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
let otherRegion: Awaited<ReturnType<TestContext['anotherApp']>>;
beforeAll(async () => {
  ctx = await createTestContext();
  // Another region: the same database, its own Redis keyspace (its own ElastiCache), so its own sessions.
  otherRegion = await ctx.anotherApp({ REDIS_KEY_PREFIX: `${ctx.prefix}other-region:` });
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
  it('ends every session of the account, in this region and in another, and the next sign-in works', async () => {
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
      const me = await c.get('/api/auth/me');
      expect(me.statusCode).toBe(401);
      expect((await c.get('/api/orders')).statusCode).toBe(401);
    }
    // A refused session is deleted, not only refused.
    expect(await ctx.app.deps.redis.client.exists(phoneSession)).toBe(0);
    const again = await signedIn(email);
    expect((await again.get('/api/auth/me')).json()).toMatchObject({ email });
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

  it('ends admin sessions too: an admin route answers 401, not the stale rights', async () => {
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
});
