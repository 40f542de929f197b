// The per-IP limit on every route: enforced by each instance at once, shared across instances through Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ RATE_LIMIT_MAX: '10' });
});
afterAll(() => ctx?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const get = (app: TestContext['app'], ip: string) => app.inject({ url: '/api/products?limit=1', remoteAddress: ip });

describe('global rate limit (RATE_LIMIT_MAX per IP per minute)', () => {
  it('answers 429 in the error shape past the limit, per IP, with the limit headers', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await get(ctx.app, '198.51.100.1')).statusCode);
    expect(codes).toEqual([...Array(10).fill(200), 429, 429]);
    const limited = await get(ctx.app, '198.51.100.1');
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.headers['x-ratelimit-limit']).toBe('10');
    expect(limited.headers['retry-after']).toBeDefined();
    // Successful responses do not carry the limit headers (bytes on every response for no one).
    expect((await get(ctx.app, '198.51.100.9')).headers['x-ratelimit-limit']).toBeUndefined();
    expect((await get(ctx.app, '198.51.100.2')).statusCode).toBe(200);
    // Every public route is limited, /health included; the ALB's checks come through the internal listener,
    // which is not (internal-endpoints.test.ts).
    expect((await ctx.app.inject({ url: '/health', remoteAddress: '198.51.100.1' })).statusCode).toBe(429);
  });

  it('holds across instances: counts from one are seen by the other after a flush', async () => {
    const other = await ctx.anotherApp({ RATE_LIMIT_MAX: '10' });
    const ip = '198.51.100.3';
    for (let i = 0; i < 6; i++) expect((await get(ctx.app, ip)).statusCode).toBe(200);
    await sleep(300); // the first instance adds its 6 to Redis
    expect((await get(other, ip)).statusCode).toBe(200);
    await sleep(300); // the second learns the shared total (7) when it adds its own
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await get(other, ip)).statusCode);
    // 7 so far: three more fit under 10, then 429 — although this instance alone has seen only 4.
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(Number(await ctx.app.deps.redis.client.get(`${ctx.prefix}rl:${ip}`))).toBeGreaterThanOrEqual(7);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as its IPv4 address', async () => {
    const codes: number[] = [];
    // Ten addresses of one /64 (one host can hold all of them): the eleventh request is over the limit.
    for (let i = 1; i <= 11; i++) codes.push((await get(ctx.app, `2001:db8:0:7::${i.toString(16)}`)).statusCode);
    expect(codes).toEqual([...Array(10).fill(200), 429]);
    expect((await get(ctx.app, '2001:db8:0:8::1')).statusCode).toBe(200); // the next /64 is someone else
    for (let i = 0; i < 10; i++) await get(ctx.app, '198.51.100.4');
    expect((await get(ctx.app, '::ffff:198.51.100.4')).statusCode).toBe(429);
  });

  it('leaves routes with a limit of their own to it: logins do not use up the catalog limit', async () => {
    const ip = '198.51.100.5';
    const login = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        payload: { email: 'nobody@example.com', password: 'not the password' },
      });
    for (let i = 0; i < 3; i++) expect((await login()).statusCode).toBe(401);
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await get(ctx.app, ip)).statusCode);
    expect(codes).toEqual([...Array(10).fill(200), 429]);
  });
});
