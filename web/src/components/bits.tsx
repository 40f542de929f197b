import { useEffect } from 'preact/hooks';
import type { Product } from '../types.js';

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · edgecart` : 'edgecart';
  }, [title]);
}

/** An error a shopper should read now: announced at once by screen readers. */
export function ErrorMessage({ message, id }: { message: string | null | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p class="alert error" role="alert" id={id}>
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** Product images show the same thing as the name next to them, so they are decorative (empty alt). */
export function ProductImage({
  product,
  size,
}: {
  product: Pick<Product, 'imageUrl'>;
  size: 'tile' | 'large' | 'thumb';
}) {
  const [w, h] = size === 'thumb' ? [80, 60] : [400, 300];
  if (!product.imageUrl) return <div class={`product-image placeholder ${size}`} aria-hidden="true" />;
  return (
    <img
      class={`product-image ${size}`}
      src={product.imageUrl}
      alt=""
      width={w}
      height={h}
      loading={size === 'large' ? 'eager' : 'lazy'}
      decoding="async"
    />
  );
}

export function stockText(stock: number): string {
  if (stock <= 0) return 'Out of stock';
  if (stock <= 5) return `Only ${stock} left`;
  return 'In stock';
}
