// The catalog: product reads through the cache (cache.ts) and admin writes that invalidate it.
import type { Cache } from '../cache.js';
import type { Prisma } from '../db.js';
import type { Product as ProductRow } from '../generated/prisma/client.js';
import type { ProductT } from '../routes/schemas.js';

export const productKey = (id: string) => `product:${id}`;
/** Hash of every cached list page (field `<limit>:<cursor>`), dropped as a whole on any product change. */
export const PRODUCT_LISTS_KEY = 'products:lists';

export function toProduct(row: ProductRow): ProductT {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    currency: row.currency,
    stock: row.stock,
    imageUrl: row.imageUrl,
  };
}

export interface ProductPage {
  items: ProductT[];
  nextCursor: string | null;
}

export function createCatalog(prisma: Prisma, cache: Cache) {
  return {
    /** Keyset pagination by id: stable under inserts, and every page is one index range scan. */
    async listProducts(limit: number, cursor: string | undefined) {
      // A page always exists (possibly empty), so the loader never answers undefined.
      const page = await cache.getOrLoad<ProductPage>(
        PRODUCT_LISTS_KEY,
        async () => {
          const rows = await prisma.product.findMany({
            where: cursor ? { id: { gt: cursor } } : undefined,
            orderBy: { id: 'asc' },
            take: limit + 1,
          });
          const page = rows.slice(0, limit);
          return { items: page.map(toProduct), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
        },
        `${limit}:${cursor ?? ''}`,
      );
      return page!;
    },

    getProduct(id: string) {
      return cache.getOrLoad<ProductT>(productKey(id), async () => {
        const row = await prisma.product.findUnique({ where: { id } });
        return row ? toProduct(row) : undefined;
      });
    },

    /** Called after every product write: this region's cached views of it are gone at once. */
    invalidateProduct(id: string) {
      return cache.invalidate(productKey(id), PRODUCT_LISTS_KEY);
    },
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
