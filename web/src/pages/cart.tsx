// The cart and checkout. The service keys a checkout by the cart's identity and revision (api.placeOrder), so a
// double click, a retry after a lost answer or a second tab never places a second order.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { ErrorMessage, Loading, ProductImage, useTitle } from '../components/bits.js';
import { formatMoney } from '../format.js';
import { focusOnArrival, navigate } from '../router.js';
import { cachedProduct, loadProduct, useShop } from '../shop.js';
import type { CartLine, Product } from '../types.js';
import { MAX_QUANTITY } from './product.js';

function Line({
  line,
  product,
  currency,
  short,
}: {
  line: CartLine;
  product: Product | undefined;
  currency: string;
  short: boolean;
}) {
  const shop = useShop();
  const [error, setError] = useState<string | null>(null);
  const name = product?.name ?? 'Product';
  const inputId = `qty-${line.productId}`;
  const errorId = `line-error-${line.productId}`;

  const run = async (action: () => Promise<void>, message: string) => {
    setError(null);
    try {
      await action();
      shop.announce(message);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <li class={short ? 'cart-line short' : 'cart-line'} data-product-id={line.productId}>
      {product && <ProductImage product={product} size="thumb" />}
      <div class="cart-line-main">
        <h2>{product ? <a href={`/products/${line.productId}`}>{name}</a> : name}</h2>
        <p class="muted">{formatMoney(line.unitPriceCents, currency)} each</p>
        <ErrorMessage message={error} id={errorId} />
      </div>
      <div class="cart-line-qty">
        <label for={inputId}>
          Quantity<span class="visually-hidden"> of {name}</span>
        </label>
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_QUANTITY}
          value={line.quantity}
          aria-invalid={short || undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => {
            const quantity = Math.round(Number(e.currentTarget.value));
            if (quantity >= 1 && quantity <= MAX_QUANTITY && quantity !== line.quantity) {
              void run(() => shop.setQuantity(line.productId, quantity), `${name}: quantity ${quantity}.`);
            } else e.currentTarget.value = String(line.quantity);
          }}
        />
        <button type="button" class="link" onClick={() => run(() => shop.remove(line.productId), `Removed ${name}.`)}>
          Remove<span class="visually-hidden"> {name}</span>
        </button>
      </div>
      <p class="line-total">{formatMoney(line.unitPriceCents * line.quantity, currency)}</p>
    </li>
  );
}

export function CartPage() {
  useTitle('Your cart');
  const shop = useShop();
  const cart = shop.cart;
  const [products, setProducts] = useState<Map<string, Product>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [shortId, setShortId] = useState<string | null>(null);
  const [placing, setPlacing] = useState(false);

  useEffect(() => {
    if (!cart) return;
    let live = true;
    Promise.all(
      cart.items.map((l) => cachedProduct(l.productId) ?? loadProduct(l.productId).catch(() => undefined)),
    ).then((list) => live && setProducts(new Map(list.flatMap((p) => (p ? [[p.id, p] as const] : [])))));
    return () => {
      live = false;
    };
  }, [cart]);

  if (!cart) {
    return shop.cartError ? (
      <section aria-labelledby="cart-title">
        <h1 id="cart-title" tabIndex={-1} ref={focusOnArrival}>
          Your cart
        </h1>
        <ErrorMessage message={`Your cart could not be loaded: ${shop.cartError}`} />
      </section>
    ) : (
      <Loading what="your cart" />
    );
  }
  const currency = cart.currency ?? products.values().next().value?.currency ?? 'INR';

  const checkout = async () => {
    setPlacing(true);
    setError(null);
    setShortId(null);
    try {
      const order = await api.placeOrder();
      await shop.refreshCart();
      shop.announce('Order placed.');
      navigate(`/orders/${order.id}?placed=1`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body?.productId) {
        const name = products.get(err.body.productId)?.name ?? 'one of the products';
        setShortId(err.body.productId);
        setError(
          `Sorry, there is not enough stock of “${name}” for your order. Lower its quantity or remove it, then check out again. No order was placed.`,
        );
        // Show the current stock figure next to the product.
        void loadProduct(err.body.productId, true).catch(() => undefined);
      } else if (err instanceof ApiError && err.status === 401) {
        shop.signedOut();
        setError('Please sign in to check out. Your cart is kept.');
      } else {
        setError(err instanceof ApiError ? err.message : String(err));
      }
    } finally {
      setPlacing(false);
    }
  };

  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title" tabIndex={-1} ref={focusOnArrival}>
        Your cart
      </h1>
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <a href="/">Browse the products</a>.
        </p>
      ) : (
        <>
          <ul class="cart-lines">
            {cart.items.map((line) => (
              <Line
                key={line.productId}
                line={line}
                product={products.get(line.productId)}
                currency={currency}
                short={line.productId === shortId}
              />
            ))}
          </ul>
          <div class="cart-summary">
            <p class="total">
              Total <strong data-testid="cart-total">{formatMoney(cart.totalCents, currency)}</strong>
            </p>
            <ErrorMessage message={error} />
            {shop.user ? (
              <button type="button" class="primary" onClick={checkout} disabled={placing}>
                {placing ? 'Placing your order…' : 'Place order'}
              </button>
            ) : (
              <p>
                <a class="button primary" href="/account?next=/cart">
                  Sign in or create an account to check out
                </a>
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
