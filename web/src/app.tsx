import { useEffect, useRef } from 'preact/hooks';
import { useTitle } from './components/bits.js';
import { Layout } from './components/layout.js';
import { AccountPage } from './pages/account.js';
import { CartPage } from './pages/cart.js';
import { CatalogPage } from './pages/catalog.js';
import { OrderPage, OrdersPage } from './pages/orders.js';
import { ProductPageView } from './pages/product.js';
import { type Location, match, useLocation } from './router.js';
import { ShopContext, useShopState } from './shop.js';

function NotFound() {
  useTitle('Page not found');
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at this address. <a href="/">Go to the shop</a>.
      </p>
    </section>
  );
}

function route({ path, query }: Location) {
  if (path === '/') return <CatalogPage after={query.get('after')} />;
  let params = match('/products/:id', path);
  if (params) return <ProductPageView id={params.id!} />;
  if (match('/cart', path)) return <CartPage />;
  if (match('/account', path)) return <AccountPage next={query.get('next')} />;
  if (match('/orders', path)) return <OrdersPage />;
  params = match('/orders/:id', path);
  if (params) return <OrderPage id={params.id!} placed={query.get('placed') === '1'} />;
  return <NotFound />;
}

export function App() {
  const shop = useShopState();
  const location = useLocation();
  const first = useRef(true);

  // After an in-app navigation, move focus to the new page's heading so keyboard and screen-reader users
  // start reading there (a full page load starts at the top anyway).
  const key = location.path + location.query;
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const target = document.querySelector<HTMLElement>('main h1') ?? document.querySelector<HTMLElement>('main');
    target?.focus({ preventScroll: true });
  }, [key]);

  return (
    <ShopContext.Provider value={shop}>
      <Layout path={location.path}>{route(location)}</Layout>
    </ShopContext.Provider>
  );
}
