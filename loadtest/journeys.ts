// The shopper journeys the load test mixes: what real visitors of the shop do, in the order they do it.
//   browse    list pages, follow a page, view products, put one in an anonymous cart, look at the cart
//   buy       browse a little, register, fill the cart, check out, look at the orders
//   returning log in to an account registered earlier in the run, look at the account and orders, log out
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Shopper, StepFailed } from './shopper.js';

export const JOURNEYS = ['browse', 'buy', 'returning'] as const;
export type JourneyName = (typeof JOURNEYS)[number];

interface Product {
  id: string;
  stock: number;
}

interface Page {
  items: Product[];
  nextCursor: string | null;
}

export interface JourneyEnv {
  /** Pause between steps, like a person reading the page (0 for a pure throughput run). */
  thinkMs: number;
  runId: string;
  /** Accounts made by `buy` journeys, reused by `returning` ones. */
  accounts: Array<{ email: string; password: string }>;
  signal: AbortSignal;
}

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

async function think(env: JourneyEnv): Promise<void> {
  if (env.thinkMs > 0) await sleep(env.thinkMs * (0.5 + Math.random()), undefined, { signal: env.signal });
}

async function browseCatalog(s: Shopper, env: JourneyEnv, views: number): Promise<Product[]> {
  const first = await s.step<Page>('list products', { path: '/api/products?limit=20' });
  let seen = first.body.items;
  await think(env);
  if (first.body.nextCursor !== null && Math.random() < 0.5) {
    const next = await s.step<Page>('next page', {
      path: `/api/products?limit=20&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    });
    seen = seen.concat(next.body.items);
    await think(env);
  }
  for (let i = 0; i < views; i++) {
    const product = pick(seen);
    if (product === undefined) break;
    await s.step('view product', { path: `/api/products/${product.id}` });
    await think(env);
  }
  return seen.filter((p) => p.stock > 0);
}

async function addToCart(s: Shopper, products: Product[]): Promise<void> {
  const product = pick(products);
  if (product === undefined) return;
  await s.step('add to cart', {
    method: 'PUT',
    path: `/api/cart/items/${product.id}`,
    body: { quantity: 1 + Math.floor(Math.random() * 2) },
  });
}

async function browse(s: Shopper, env: JourneyEnv): Promise<void> {
  const products = await browseCatalog(s, env, 3);
  await addToCart(s, products);
  await think(env);
  await s.step('view cart', { path: '/api/cart' });
}

async function buy(s: Shopper, env: JourneyEnv): Promise<void> {
  const products = await browseCatalog(s, env, 2);
  const account = { email: `loadtest-${env.runId}-${s.id}@example.com`, password: `lt-${randomUUID()}` };
  // Registration signs nobody in (it answers the same for a taken e-mail): the shopper logs in next.
  await s.step('register', { method: 'POST', path: '/api/auth/register', body: account, expect: [202] });
  await s.step('login', { method: 'POST', path: '/api/auth/login', body: account });
  env.accounts.push(account);
  await think(env);
  await addToCart(s, products);
  await addToCart(s, products);
  await think(env);
  const cart = await s.step<{ items: unknown[] }>('view cart', { path: '/api/cart' });
  if (cart.body.items.length === 0) {
    // Nothing in stock to add is a correct answer; items added and gone means the session was lost.
    if (products.length > 0)
      throw new StepFailed('view cart', 200, 'the cart is empty after adding items (session lost?)');
    return;
  }
  await think(env);
  // 409 = stock ran out meanwhile: a correct answer the shopper sees, not a failure of the service.
  await s.step('checkout', {
    method: 'POST',
    path: '/api/orders',
    headers: { 'idempotency-key': randomUUID() },
    expect: [201, 409],
  });
  await think(env);
  await s.step('my orders', { path: '/api/orders' });
}

async function returning(s: Shopper, env: JourneyEnv): Promise<void> {
  let account = pick(env.accounts);
  if (account === undefined) {
    account = { email: `loadtest-${env.runId}-${s.id}@example.com`, password: `lt-${randomUUID()}` };
    await s.step('register', { method: 'POST', path: '/api/auth/register', body: account, expect: [202] });
    env.accounts.push(account);
  }
  await s.step('login', { method: 'POST', path: '/api/auth/login', body: account });
  await think(env);
  await s.step('me', { path: '/api/auth/me' });
  await s.step('my orders', { path: '/api/orders' });
  await think(env);
  await browseCatalog(s, env, 1);
  await s.step('logout', { method: 'POST', path: '/api/auth/logout', expect: [204] });
}

export const journeys: Record<JourneyName, (s: Shopper, env: JourneyEnv) => Promise<void>> = {
  browse,
  buy,
  returning,
};
