import { useTitle } from './components/bits.js';
import { Layout } from './components/layout.js';
import { AccountPage } from './pages/account.js';
import { CartPage } from './pages/cart.js';
import { CatalogPage } from './pages/catalog.js';
import { OrderPage, OrdersPage } from './pages/orders.js';
import { ProductPageView } from './pages/product.js';
import { type Location, match, useLocation, focusOnArrival } from './router.js';
import { ShopContext, useShopState } from './shop.js';

function NotFound() {
  useTitle('Page not found');
  return (
    <section>
      <h1 tabIndex={-1} ref={focusOnArrival}>
        Page not found
      </h1>
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
  return (
    <ShopContext.Provider value={shop}>
      <Layout path={location.path}>{route(location)}</Layout>
    </ShopContext.Provider>
  );
}
