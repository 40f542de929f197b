// The product grid, a page at a time with the service's keyset cursor. The cursor lives in the URL
// (?after=…) so a page can be reloaded or shared; the cursors of earlier pages travel in history.state, so
// "Previous" and the browser's Back button agree.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { ErrorMessage, Loading, ProductImage, stockText, useTitle } from '../components/bits.js';
import { formatMoney } from '../format.js';
import { focusOnArrival, navigate } from '../router.js';
import { rememberProducts } from '../shop.js';
import type { ProductPage } from '../types.js';

export const PAGE_SIZE = 12;

/** Cursors of the pages before the current one, oldest first ('' is the first page). */
function currentTrail(): string[] {
  const state = window.history.state as { trail?: unknown } | null;
  return Array.isArray(state?.trail) ? (state.trail as string[]) : [];
}

export function CatalogPage({ after }: { after: string | null }) {
  useTitle('Products');
  const [page, setPage] = useState<ProductPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setPage(null);
    setError(null);
    api.products(PAGE_SIZE, after).then(
      (result) => {
        if (!live) return;
        rememberProducts(result.items);
        setPage(result);
      },
      (err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [after]);

  const trail = after ? currentTrail() : [];
  const pageNumber = trail.length + 1;
  const next = () => {
    if (!page?.nextCursor) return;
    navigate(`/?after=${encodeURIComponent(page.nextCursor)}`, { state: { trail: [...trail, after ?? ''] } });
  };
  // Reached from the page before: go back to it. Reached by a link to a later page: start over.
  const previous = () => (trail.length > 0 ? window.history.back() : navigate('/'));

  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title" tabIndex={-1} ref={focusOnArrival}>
        Products
      </h1>
      <ErrorMessage message={error} />
      {error && after && (
        <p>
          <a href="/">Back to the first page</a>
        </p>
      )}
      {!page && !error && <Loading what="products" />}
      {page && page.items.length === 0 && <p>No products here yet.</p>}
      {page && page.items.length > 0 && (
        <ul class="product-grid" aria-label={`Products, page ${pageNumber}`}>
          {page.items.map((p) => (
            <li key={p.id} class="product-card">
              <ProductImage product={p} size="tile" />
              <h2>
                <a href={`/products/${p.id}`}>{p.name}</a>
              </h2>
              <p class="price">{formatMoney(p.priceCents, p.currency)}</p>
              <p class={p.stock > 0 ? 'stock' : 'stock out'}>{stockText(p.stock)}</p>
            </li>
          ))}
        </ul>
      )}
      {page && (after || page.nextCursor) && (
        <nav class="pagination" aria-label="Pages">
          {after && (
            <button type="button" onClick={previous}>
              {trail.length > 0 ? 'Previous page' : 'First page'}
            </button>
          )}
          {after && trail.length > 0 && <span>Page {pageNumber}</span>}
          {page.nextCursor && (
            <button type="button" onClick={next}>
              Next page
            </button>
          )}
        </nav>
      )}
    </section>
  );
}
