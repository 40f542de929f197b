// Two instances, one dies. Two real server processes share the database and Redis behind a round-robin proxy
// (the ALB's part). A shopper registers and fills a cart, served by both; one instance is killed outright
// (SIGKILL, no drain); the shopper's session and cart carry on, on the survivor, through to an order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, insertProduct, type ProductFixture } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REDIS_URL } from '../helpers/env.js';
import { killAll } from './support/processes.js';
import { RoundRobinProxy } from './support/round-robin-proxy.js';
import { type ServiceProcess, startService } from './support/service-process.js';
import { Shopper } from './support/shopper.js';

const PREFIX = `edgecart-test:pair-${process.pid}:`;

let db: TestDatabase;
let a: ServiceProcess;
let b: ServiceProcess;
let lb: RoundRobinProxy;
let mug: ProductFixture;
let plate: ProductFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  mug = await insertProduct(db, { name: 'Mug', priceCents: 900, stock: 10 });
  plate = await insertProduct(db, { name: 'Plate', priceCents: 1_400, stock: 10 });
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
  [a, b] = await Promise.all([startService('instance-a', env), startService('instance-b', env)]);
  lb = await new RoundRobinProxy([
    { name: 'a', port: a.port },
    { name: 'b', port: b.port },
  ]).listen();
});

afterAll(async () => {
  await lb?.close();
  await killAll();
  await clearRedisPrefix(PREFIX).catch(() => {});
  await db?.drop();
});

describe('one of two instances dies mid-session', () => {
  it('keeps the session and the cart on the surviving instance', async () => {
    const shopper = new Shopper(lb.url);
    const account = { email: 'survivor@test.io', password: 'long-enough-password' };
    expect((await shopper.post('/api/auth/register', account)).status).toBe(202);
    expect((await shopper.post('/api/auth/login', account)).status).toBe(200);
    expect((await shopper.put(`/api/cart/items/${mug.id}`, { quantity: 2 })).status).toBe(200);
    const me = await shopper.get('/api/auth/me');
    expect(me.body).toMatchObject({ email: 'survivor@test.io' });
    const cart = await shopper.get('/api/cart');
    expect(cart.body).toMatchObject({ items: [{ productId: mug.id, quantity: 2 }], totalCents: 1_800 });
    // Both instances took part in this one session.
    expect(new Set(lb.servedBy)).toEqual(new Set(['a', 'b']));

    // The instance that served the last request dies without a chance to drain.
    const victim = lb.servedBy.at(-1) === 'a' ? a : b;
    const survivor = victim === a ? 'b' : 'a';
    await victim.kill();
    const servedBefore = lb.servedBy.length;

    expect((await shopper.get('/api/auth/me')).body).toMatchObject({ email: 'survivor@test.io' });
    const after = await shopper.get('/api/cart');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ items: [{ productId: mug.id, quantity: 2 }], totalCents: 1_800 });
    const added = await shopper.put(`/api/cart/items/${plate.id}`, { quantity: 1 });
    expect(added.status).toBe(200);
    expect(added.body.totalCents).toBe(1_800 + 1_400);
    const order = await shopper.post('/api/orders');
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ totalCents: 3_200 });
    expect(order.body.items).toHaveLength(2);
    expect((await shopper.get('/api/cart')).body).toMatchObject({ items: [], totalCents: 0 });

    // Everything after the kill was answered by the survivor; the dead one only ever refused connections.
    expect(new Set(lb.servedBy.slice(servedBefore))).toEqual(new Set([survivor]));
    expect(lb.refused).toBeGreaterThan(0);
  });
});
