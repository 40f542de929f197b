import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onTiming, type Timing } from '../api.js';
import { useShop } from '../shop.js';

function Header({ path }: { path: string }) {
  const shop = useShop();
  const current = (href: string) =>
    path === href || (href !== '/' && path.startsWith(`${href}/`)) ? 'page' : undefined;
  return (
    <header class="site-header">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <div class="bar">
        <a class="brand" href="/">
          edgecart
        </a>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href="/" aria-current={current('/')}>
                Shop
              </a>
            </li>
            {shop.user && (
              <li>
                <a href="/orders" aria-current={current('/orders')}>
                  Orders
                </a>
              </li>
            )}
            <li>
              <a href="/account" aria-current={current('/account')}>
                {shop.user ? 'Account' : 'Sign in'}
              </a>
            </li>
            <li>
              <a href="/cart" aria-current={current('/cart')} class="cart-link">
                Cart <span class="badge">{shop.cartCount}</span>
                <span class="visually-hidden"> {shop.cartCount === 1 ? 'item' : 'items'}</span>
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

/** Which region answered and how long the API took: the point of a multi-region shop, made visible. */
function Footer() {
  const [timing, setTiming] = useState<Timing | null>(null);
  useEffect(() => onTiming(setTiming), []);
  return (
    <footer class="site-footer">
      <p data-testid="served-by">
        Served by region <strong data-testid="region">{timing?.region ?? '…'}</strong>
        {' · '}API round trip{' '}
        <strong data-testid="rtt">{timing ? `${Math.max(1, Math.round(timing.roundTripMs))} ms` : '…'}</strong>
      </p>
    </footer>
  );
}

export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const shop = useShop();
  return (
    <>
      <Header path={path} />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Footer />
      <div class="visually-hidden" aria-live="polite" role="status">
        {shop.announcement}
      </div>
    </>
  );
}
