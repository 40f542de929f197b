// Accounts and sessions: registration (the same answer for a taken e-mail), login (same answer for unknown email and wrong password), session
// fixation, logout, cookie flags, the stricter login rate limit, and two instances sharing one session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, insertUser, snapshotDatabase, type TestContext } from './helpers/app.js';
import { Client } from './helpers/client.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await insertUser(ctx.db, 'known@test.io', 'known-password-1', 'customer');
});
afterAll(() => ctx?.close());

describe('register', () => {
  it('creates the account (202, nobody signed in), which then logs in under its lower-cased email', async () => {
    const c = new Client(ctx.app);
    const res = await c.post('/api/auth/register', { email: 'New.Person@Test.io', password: 'long-enough-pw' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ message: expect.stringContaining('Log in') });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    const user = await c.login('new.person@test.io', 'long-enough-pw');
    expect(user).toEqual({ id: expect.any(String), email: 'new.person@test.io', role: 'customer' });
    expect((await c.get('/api/auth/me')).json()).toEqual(user);
  });

  // Issue #23: the 409 told anyone which e-mails are customers.
  it('answers an existing email, whatever its case, exactly as a new one, and leaves that account as it was', async () => {
    const fresh = await new Client(ctx.app).post('/api/auth/register', {
      email: 'someone-new@test.io',
      password: 'another-password',
    });
    const before = await snapshotDatabase(ctx.db);
    const taken = await new Client(ctx.app).post('/api/auth/register', {
      email: 'KNOWN@test.io',
      password: 'another-password',
    });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.body).toBe(fresh.body);
    expect(taken.headers['set-cookie']).toBe(fresh.headers['set-cookie']);
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
    expect(await snapshotDatabase(ctx.db)).toBe(before);
    // The owner's password still works; the one just sent does not.
    await new Client(ctx.app).login('known@test.io', 'known-password-1');
    const hijack = await new Client(ctx.app).post('/api/auth/login', {
      email: 'known@test.io',
      password: 'another-password',
    });
    expect(hijack.statusCode).toBe(401);
  });

  it.each([
    [{ email: 'short@test.io', password: 'short' }],
    [{ email: 'not-an-email', password: 'long-enough-pw' }],
    [{ email: 'x@test.io' }],
    [{ email: 'x@test.io', password: 12345678901 }],
    [{ email: 'x@test.io', password: 'long-enough-pw', role: 'admin' }],
    [{ email: `${'a'.repeat(250)}@test.io`, password: 'long-enough-pw' }],
  ])('rejects %j with 400 and creates nothing', async (payload) => {
    const before = await snapshotDatabase(ctx.db);
    const res = await new Client(ctx.app).post('/api/auth/register', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await snapshotDatabase(ctx.db)).toBe(before);
  });
});

describe('login', () => {
  it('logs in (200 with role) and regenerates the session id (no session fixation)', async () => {
    const c = new Client(ctx.app);
    // An anonymous session first (a cart), as an attacker could plant.
    const product = await ctx.db.pool.query(
      `INSERT INTO products (id, sku, name, price_cents, stock, updated_at) VALUES (gen_random_uuid(), 'AUTH-1', 'x', 100, 5, now()) RETURNING id`,
    );
    await c.put(`/api/cart/items/${product.rows[0].id}`, { quantity: 2 });
    const before = c.sessionCookie;
    expect(before).toBeDefined();
    const res = await c.post('/api/auth/login', { email: 'known@test.io', password: 'known-password-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: expect.any(String), email: 'known@test.io', role: 'customer' });
    expect(c.sessionCookie).toBeDefined();
    expect(c.sessionCookie).not.toBe(before);
    // The old id no longer identifies anyone; the cart came along to the new session.
    const old = await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: `sid=${before}` } });
    expect(old.statusCode).toBe(401);
    expect((await c.get('/api/cart')).json().items).toHaveLength(1);
  });

  it('answers the same 401 for an unknown email and for a wrong password', async () => {
    const wrongPassword = await new Client(ctx.app).post('/api/auth/login', {
      email: 'known@test.io',
      password: 'nope-nope-nope',
    });
    const unknownEmail = await new Client(ctx.app).post('/api/auth/login', {
      email: 'nobody@test.io',
      password: 'nope-nope-nope',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(unknownEmail.json()).toEqual(wrongPassword.json());
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
  });

  it('logout destroys the session (204), after which me is 401', async () => {
    const c = new Client(ctx.app);
    await c.login('known@test.io', 'known-password-1');
    const sid = c.sessionCookie;
    expect((await c.post('/api/auth/logout')).statusCode).toBe(204);
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: `sid=${sid}` } });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Login required' });
  });
});

describe('cookie', () => {
  it('is HttpOnly, SameSite=Lax, signed, and not Secure in development', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'known@test.io', password: 'known-password-1' },
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^sid=[^;]+\.[^;]+;/); // <id>.<signature>
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('is Secure under NODE_ENV=production behind the HTTPS load balancer', async () => {
    const app = await ctx.anotherApp({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
      TRUST_PROXY_HOPS: '1',
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { email: 'known@test.io', password: 'known-password-1' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('rejects a forged (unsigned) session cookie as anonymous', async () => {
    const c = new Client(ctx.app);
    await c.login('known@test.io', 'known-password-1');
    const [id] = c.sessionCookie!.split('.');
    const forged = await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: `sid=${id}.forgedsignature` } });
    expect(forged.statusCode).toBe(401);
  });
});

describe('rate limit on login', () => {
  it('answers 429 in the error shape after AUTH_RATE_LIMIT_MAX attempts a minute from one IP', async () => {
    const app = await ctx.anotherApp({ AUTH_RATE_LIMIT_MAX: '3' });
    const attempt = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'known@test.io', password: 'wrong-wrong' },
        remoteAddress: '203.0.113.9',
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await attempt()).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const limited = await attempt();
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another IP is unaffected.
    const other = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'known@test.io', password: 'wrong-wrong' },
      remoteAddress: '203.0.113.10',
    });
    expect(other.statusCode).toBe(401);
  });
});

describe('two instances', () => {
  it('serve one session: logged in on one, recognised on the other', async () => {
    const other = await ctx.anotherApp();
    const c = new Client(ctx.app);
    const user = await c.login('known@test.io', 'known-password-1');
    c.useApp(other);
    const me = await c.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(user.id);
  });
});
