import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { ErrorMessage, Loading, useTitle } from '../components/bits.js';
import { formatDate, formatMoney, shortId } from '../format.js';
import { focusOnArrival } from '../router.js';
import { cachedProduct, useShop } from '../shop.js';
import type { Order } from '../types.js';

/** Orders carry no currency in the contract yet; the products they name do. */
function orderCurrency(order: Order): string {
  return order.currency ?? order.items.map((i) => cachedProduct(i.productId)?.currency).find(Boolean) ?? 'INR';
}

function itemCount(order: Order): number {
  return order.items.reduce((n, i) => n + i.quantity, 0);
}

function SignInFirst() {
  return (
    <p>
      <a href="/account?next=/orders">Sign in</a> to see your orders.
    </p>
  );
}

export function OrdersPage() {
  useTitle('Your orders');
  const shop = useShop();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!shop.user) return;
    let live = true;
    api.orders().then(
      (r) => live && setOrders(r.items),
      (err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [shop.user]);

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title" tabIndex={-1} ref={focusOnArrival}>
        Your orders
      </h1>
      {shop.user === null && <SignInFirst />}
      <ErrorMessage message={error} />
      {shop.user && !orders && !error && <Loading what="your orders" />}
      {orders && orders.length === 0 && (
        <p>
          No orders yet. <a href="/">Start shopping</a>.
        </p>
      )}
      {orders && orders.length > 0 && (
        <table class="orders">
          <caption class="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Items</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-order-id={o.id}>
                <th scope="row">
                  <a href={`/orders/${o.id}`}>#{shortId(o.id)}</a>
                </th>
                <td>{formatDate(o.createdAt)}</td>
                <td>{itemCount(o)}</td>
                <td>{o.status}</td>
                <td class="num">{formatMoney(o.totalCents, orderCurrency(o))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function OrderPage({ id, placed }: { id: string; placed: boolean }) {
  const shop = useShop();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<string | null>(null);
  useTitle(placed ? 'Order placed' : 'Order');

  useEffect(() => {
    if (!shop.user) return;
    let live = true;
    api.order(id).then(
      (o) => live && setOrder(o),
      (err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [id, shop.user]);

  const heading = placed ? 'Thank you, your order is placed' : order ? `Order #${shortId(order.id)}` : 'Order';
  return (
    <section aria-labelledby="order-title">
      <h1 id="order-title" tabIndex={-1} ref={focusOnArrival}>
        {heading}
      </h1>
      {shop.user === null && <SignInFirst />}
      <ErrorMessage message={error} />
      {shop.user && !order && !error && <Loading what="the order" />}
      {order && (
        <>
          {placed && (
            <p class="alert success" data-testid="order-confirmation">
              Order <strong>#{shortId(order.id)}</strong> for{' '}
              <strong>{formatMoney(order.totalCents, orderCurrency(order))}</strong> was placed on{' '}
              {formatDate(order.createdAt)}.
            </p>
          )}
          <table class="order-items">
            <caption class="visually-hidden">Items in order #{shortId(order.id)}</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  Quantity
                </th>
                <th scope="col" class="num">
                  Subtotal
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((i) => (
                <tr key={i.productId}>
                  <th scope="row">
                    <a href={`/products/${i.productId}`}>{i.name}</a>
                  </th>
                  <td class="num">{formatMoney(i.unitPriceCents, orderCurrency(order))}</td>
                  <td class="num">{i.quantity}</td>
                  <td class="num">{formatMoney(i.unitPriceCents * i.quantity, orderCurrency(order))}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td class="num">{formatMoney(order.totalCents, orderCurrency(order))}</td>
              </tr>
            </tfoot>
          </table>
          <p>
            Status: {order.status}. <a href="/orders">All your orders</a> · <a href="/">Keep shopping</a>
          </p>
        </>
      )}
    </section>
  );
}
