import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { ErrorMessage, Loading, ProductImage, stockText, useTitle } from '../components/bits.js';
import { formatMoney } from '../format.js';
import { focusOnArrival } from '../router.js';
import { loadProduct, useShop } from '../shop.js';
import type { Product } from '../types.js';

/** The service accepts 1..99 of one product per cart line (API.md). */
export const MAX_QUANTITY = 99;

export function ProductPageView({ id }: { id: string }) {
  const shop = useShop();
  const [product, setProduct] = useState<Product | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  useTitle(product?.name ?? 'Product');

  useEffect(() => {
    let live = true;
    setProduct(null);
    setError(null);
    setAdded(null);
    // Fresh from the service: the grid's copy may have an older stock figure.
    loadProduct(id, true).then(
      (p) => live && setProduct(p),
      (err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (error) {
    return (
      <section>
        <h1 tabIndex={-1} ref={focusOnArrival}>
          Product not available
        </h1>
        <ErrorMessage message={error} />
        <p>
          <a href="/">Back to all products</a>
        </p>
      </section>
    );
  }
  if (!product) return <Loading what="the product" />;

  const inCart = shop.cart?.items.find((line) => line.productId === product.id)?.quantity ?? 0;
  const max = Math.max(0, Math.min(MAX_QUANTITY, product.stock) - inCart);

  const add = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await shop.setQuantity(product.id, inCart + quantity);
      const message = `Added ${quantity} × ${product.name} to your cart.`;
      setAdded(message);
      shop.announce(message);
      setQuantity(1);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="product-detail" aria-labelledby="product-title">
      <ProductImage product={product} size="large" />
      <div class="product-info">
        <h1 id="product-title" tabIndex={-1} ref={focusOnArrival}>
          {product.name}
        </h1>
        <p class="price large">{formatMoney(product.priceCents, product.currency)}</p>
        <p class={product.stock > 0 ? 'stock' : 'stock out'}>{stockText(product.stock)}</p>
        {product.description && <p class="description">{product.description}</p>}
        {max > 0 ? (
          <form class="add-to-cart" onSubmit={add}>
            <label for="quantity">Quantity</label>
            <input
              id="quantity"
              type="number"
              inputMode="numeric"
              min={1}
              max={max}
              required
              value={quantity}
              onInput={(e) => setQuantity(Math.max(1, Math.min(max, Number(e.currentTarget.value) || 1)))}
            />
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Adding…' : 'Add to cart'}
            </button>
          </form>
        ) : (
          product.stock > 0 && <p>You have all available units in your cart.</p>
        )}
        {inCart > 0 && (
          <p class="in-cart">
            In your cart: {inCart}. <a href="/cart">Go to cart</a>
          </p>
        )}
        {added && <p class="alert success">{added}</p>}
        <p>
          <a href="/">← All products</a>
        </p>
      </div>
    </article>
  );
}
