// The storefront in headless Chromium against the real service (PostgreSQL, Redis, built web/dist):
// browse and page through the catalog, add two products, register, check out, find the order in the
// history; then lose a race for the last units and read why the checkout failed. Screenshots of the main
// pages go to docs/screenshots/ (the README shows them). No request may leave 127.0.0.1.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../build/build-web.js';
import type { Product } from '../src/types.js';
import { type RunningShop, startShop } from './support.js';

const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const LOCALE = 'en-IN';
const inr = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR' });
const money = (paise: number) => inr.format(paise / 100);

let shop: RunningShop;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let catalog: Product[];
const requestedHosts = new Set<string>();
const pageErrors: string[] = [];

// Evaluated through the DevTools protocol, which the page's strict CSP (script-src 'self') rightly does not let
// a <script> tag do.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA rules on the page as the shopper sees it now: no violations allowed. */
async function audit(p: Page): Promise<string[]> {
  await p.evaluate(AXE_SOURCE);
  const violations = await p.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(o: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}

/** Screenshot for docs/screenshots/, after checking the page's accessibility. */
async function snap(p: Page, name: string): Promise<void> {
  expect(await audit(p), `accessibility of ${name}`).toEqual([]);
  await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

async function newShopperPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  p.setDefaultTimeout(10_000);
  p.on('request', (req) => requestedHosts.add(new URL(req.url()).hostname));
  p.on('pageerror', (err) => pageErrors.push(err.message));
  return p;
}

// playwright-core has no auto-waiting expect; poll what the shopper would see until it settles.
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000, interval: 50 });
const text = (l: Locator) => poll(async () => (await l.textContent())?.trim());
const count = (l: Locator) => poll(() => l.count());
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 10_000 });

const cartBadge = () => page.locator('.cart-link .badge');

beforeAll(async () => {
  await ensureWebBuild();
  shop = await startShop();
  const res = await fetch(`${shop.baseUrl}/api/products?limit=100`);
  catalog = ((await res.json()) as { items: Product[] }).items;
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({
    locale: LOCALE,
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
  });
  page = await newShopperPage(context);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

describe('storefront in a browser', () => {
  it('shows the first page of products with images, and the serving region and round trip', async () => {
    await page.goto(`${shop.baseUrl}/`);
    await visible(page.getByRole('heading', { level: 1, name: 'Products' }));
    const cards = page.locator('.product-grid > li');
    await count(cards).toBe(12);
    await text(cards.first().getByRole('link')).toBe(catalog[0]!.name);
    await text(cards.first().locator('.price')).toBe(money(catalog[0]!.priceCents));

    // Every image on the page really loaded (generated SVGs served by the service).
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    const broken = await page.$$eval('img', (imgs) => imgs.filter((i) => i.naturalWidth === 0).map((i) => i.src));
    expect(broken).toEqual([]);
    expect(await page.locator('img').first().getAttribute('src')).toBe(`/assets/products/${catalog[0]!.sku}.svg`);

    await text(page.getByTestId('region')).toBe(shop.region);
    await text(page.getByTestId('rtt')).toMatch(/^\d+ ms$/);
    await snap(page, 'home');
  });

  it('pages through the catalog with the keyset cursor and back', async () => {
    await page.getByRole('button', { name: 'Next page' }).click();
    await poll(() => page.url()).toMatch(/\?after=/);
    await text(page.locator('.product-grid > li').first().getByRole('link')).toBe(catalog[12]!.name);
    await visible(page.getByText('Page 2'));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await poll(() => page.url()).toBe(`${shop.baseUrl}/`);
    await text(page.locator('.product-grid > li').first().getByRole('link')).toBe(catalog[0]!.name);
  });

  it('adds two products to the cart from their product pages', async () => {
    const [first, second] = [catalog[0]!, catalog[1]!];
    await page.getByRole('link', { name: first.name }).click();
    await visible(page.getByRole('heading', { level: 1, name: first.name }));
    await poll(() =>
      page.getByRole('heading', { level: 1, name: first.name }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await visible(page.getByText(`Added 1 × ${first.name} to your cart.`));
    await text(cartBadge()).toBe('1');
    await snap(page, 'product');

    await page.getByRole('link', { name: 'Shop' }).click();
    await page.getByRole('link', { name: second.name }).click();
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await text(cartBadge()).toBe('3');

    await page.getByRole('link', { name: /^Cart/ }).click();
    await count(page.locator('.cart-line')).toBe(2);
    await text(page.getByTestId('cart-total')).toBe(money(first.priceCents + 2 * second.priceCents));
    await snap(page, 'cart');
  });

  it('registers, checks out and shows the order, then finds it in the order history', async () => {
    const [first, second] = [catalog[0]!, catalog[1]!];
    const total = money(first.priceCents + 2 * second.priceCents);
    await page.getByRole('link', { name: 'Sign in or create an account to check out' }).click();
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Email').fill(`shopper-${Date.now()}@example.com`);
    await form.getByLabel('Password').fill('correct horse battery');
    await snap(page, 'account');
    await form.getByRole('button', { name: 'Create an account' }).click();

    // Back in the cart, which survived signing up.
    await poll(() => page.url()).toBe(`${shop.baseUrl}/cart`);
    await count(page.locator('.cart-line')).toBe(2);
    await page.getByRole('button', { name: 'Place order' }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Thank you, your order is placed' }));
    const confirmation = page.getByTestId('order-confirmation');
    await text(confirmation).toContain(total);
    await visible(page.getByRole('row', { name: first.name }));
    await text(cartBadge()).toBe('0');
    await snap(page, 'order-confirmation');
    const orderNumber = (await confirmation.locator('strong').first().textContent())!;

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    const rows = page.locator('table.orders tbody tr');
    await count(rows).toBe(1);
    await text(rows.first()).toContain(orderNumber);
    await text(rows.first()).toContain(total);
    await text(rows.first()).toContain('3');
    await snap(page, 'orders');
  });

  it('explains a checkout that failed because another shopper bought the last units', async () => {
    // The scarcest product of those not ordered above (catalog[0] and [1]): its stock is still what beforeAll read.
    // Product ids are random, so which product sorts first differs from run to run.
    const scarce = catalog.slice(2).reduce((a, b) => (b.stock > 0 && b.stock < a.stock ? b : a));
    // Keyboard only: open the product, type a quantity, press Enter.
    await page.goto(`${shop.baseUrl}/products/${scarce.id}`);
    await page.getByLabel('Quantity').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await visible(page.getByText(`Added 2 × ${scarce.name} to your cart.`));

    // Meanwhile another shopper buys every unit left.
    const rival = await browser.newContext();
    const api = rival.request;
    const rivalAccount = { email: `rival-${Date.now()}@example.com`, password: 'rival password 1' };
    // Registration signs nobody in (it answers the same for a taken e-mail): log in next.
    expect((await api.post(`${shop.baseUrl}/api/auth/register`, { data: rivalAccount })).status()).toBe(202);
    expect((await api.post(`${shop.baseUrl}/api/auth/login`, { data: rivalAccount })).status()).toBe(200);
    expect(
      (await api.put(`${shop.baseUrl}/api/cart/items/${scarce.id}`, { data: { quantity: scarce.stock } })).status(),
    ).toBe(200);
    expect((await api.post(`${shop.baseUrl}/api/orders`)).status()).toBe(201);
    await rival.close();

    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    const alert = page.getByRole('alert');
    await text(alert).toContain(`not enough stock of “${scarce.name}”`);
    await text(alert).toContain('No order was placed');
    await poll(() => page.getByLabel(`Quantity of ${scarce.name}`).getAttribute('aria-invalid')).toBe('true');
    await snap(page, 'checkout-stock-error');

    // The shopper takes it out of the cart (DELETE) and is left with an empty cart.
    await page.getByRole('button', { name: `Remove ${scarce.name}` }).click();
    await visible(page.getByText('Your cart is empty.'));
    await text(cartBadge()).toBe('0');

    // Nothing was ordered: the history still holds only the first order.
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await count(page.locator('table.orders tbody tr')).toBe(1);
  });

  it('checks out one cart from two tabs at once: one order, and both tabs show it', async () => {
    const product = catalog[2]!;
    // The context's request API shares the tabs' cookies: the same shopper, the same session, the same cart.
    expect(
      (await context.request.put(`${shop.baseUrl}/api/cart/items/${product.id}`, { data: { quantity: 1 } })).status(),
    ).toBe(200);
    const second = await newShopperPage(context);
    for (const tab of [page, second]) {
      await tab.goto(`${shop.baseUrl}/cart`);
      await visible(tab.getByRole('button', { name: 'Place order' }));
    }
    await Promise.all([page, second].map((tab) => tab.getByRole('button', { name: 'Place order' }).click()));
    for (const tab of [page, second]) {
      await visible(tab.getByRole('heading', { level: 1, name: 'Thank you, your order is placed' }));
    }
    expect(new URL(second.url()).pathname).toBe(new URL(page.url()).pathname);
    await second.close();
    // The history holds the first order and this one: the second tab made none.
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await count(page.locator('table.orders tbody tr')).toBe(2);
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({ locale: LOCALE, viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await newShopperPage(phone);
    await p.goto(`${shop.baseUrl}/`);
    await count(p.locator('.product-grid > li')).toBe(12);
    // One column and no sideways scrolling.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await snap(p, 'mobile-home');
    await phone.close();
  });

  it('signs out, and signs out on every device', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    const email = (await page.getByTestId('account-email').textContent())!;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await visible(page.getByRole('link', { name: 'Sign in' }));
    await count(page.getByRole('link', { name: 'Orders', exact: true })).toBe(0);

    // Two devices signed in to the account; one signs out everywhere, the other finds itself signed out.
    const devices = await Promise.all([1, 2].map(() => browser.newContext({ locale: LOCALE })));
    const [laptop, phone] = await Promise.all(devices.map((d) => newShopperPage(d)));
    for (const p of [laptop!, phone!]) {
      await p.goto(`${shop.baseUrl}/account`);
      const form = p.getByRole('form', { name: 'Sign in' });
      await form.getByLabel('Email').fill(email);
      await form.getByLabel('Password').fill('correct horse battery');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await visible(p.getByRole('link', { name: 'Orders', exact: true }));
    }
    await laptop!.getByRole('link', { name: 'Account' }).click();
    await laptop!.getByRole('button', { name: 'Sign out on every device' }).click();
    const signInLink = (p: Page) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' });
    await visible(signInLink(laptop!));
    await phone!.goto(`${shop.baseUrl}/orders`);
    // The orders page asks the signed-out shopper to sign in too: the header's link is the one meant.
    await visible(signInLink(phone!));
    await count(phone!.getByRole('link', { name: 'Orders', exact: true })).toBe(0);
    await Promise.all(devices.map((d) => d.close()));
  });

  it('made no request to any host but the shop, and threw no script errors', () => {
    expect([...requestedHosts]).toEqual(['127.0.0.1']);
    expect(pageErrors).toEqual([]);
  });
});
