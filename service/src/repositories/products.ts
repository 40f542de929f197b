// The catalog's data access: product reads through the cache (cache.ts), and every product write, which
// invalidates the cached views it changed. Writes live here and only here, so no write path can forget the cache.
import { type Cache, Cached, RawJson } from '../cache.js';
import type { Database } from '../db.js';
import { AlreadyExistsError, asDependencyFailure, NotFoundError } from '../errors.js';
import type { Product as ProductRow } from '../generated/prisma/client.js';
import type { CreateProduct, Product, ProductPage, UpdateProduct } from '../schemas/products.js';
import { createListCursors } from './list-cursor.js';
import { isRecordNotFound, isUniqueViolation } from './prisma-errors.js';

export const productKey = (id: string) => `product:${id}`;
/** Hash of every cached list page (field `<limit>:<id the page starts after>`), dropped as a whole on any product change. */
export const PRODUCT_LISTS_KEY = 'products:lists';

/**
 * One list page (keyset by id, $1 = cursor or null, $2 = limit): the JSON text of its items and the id of its last
 * product when more follow, built by PostgreSQL: the catalog's hottest database read skips Prisma's row mapping
 * and JSON.stringify, and the text is cached and sent as it is (docs/benchmarks.md: the cache-off list path
 * against a raw-pg ceiling). The nil uuid stands for "no cursor" so that the index range scan is the plan for
 * both. Items are `row_to_json`, joined with commas: compact JSON, where json_build_object and json_agg write
 * `"key" : value` and a line break between items (≈ 5 % more bytes on every page a shopper downloads).
 */
const PRODUCT_PAGE_SQL = `
WITH page AS (
  SELECT id, sku, name, description, price_cents, currency, stock, image_url
    FROM products
   WHERE id > COALESCE($1::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
   ORDER BY id
   LIMIT $2::int + 1
), shown AS (
  SELECT * FROM page ORDER BY id LIMIT $2::int
)
SELECT COALESCE((
    SELECT string_agg(row_to_json(item)::text, ',' ORDER BY item.id)
      FROM (SELECT id, sku, name, description, price_cents AS "priceCents", currency, stock, image_url AS "imageUrl"
              FROM shown) AS item), '') AS items,
  CASE WHEN (SELECT count(*) FROM page) > $2::int THEN (SELECT id FROM shown ORDER BY id DESC LIMIT 1) END AS last`;

export function toProduct(row: ProductRow): Product {
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

/**
 * Where catalog loads read. With the cache on, every load fills the cache, so it reads on the consistent path:
 * a load right after a checkout or an admin change (which invalidate) must not put the pre-write row back from a
 * lagging replica until the TTL. Loads are few (one per key per TTL per region, single-flight, refreshed in the
 * background while the stale copy is served), so the consistent path's round trip to the primary costs shoppers
 * nothing in steady state. With the cache off nothing is kept, and the lagging reader is good enough.
 */
export type CatalogReads = 'consistent' | 'reader';

export function createProductRepository(
  db: Database,
  cache: Cache,
  reads: CatalogReads = 'consistent',
  /** Signs list cursors (list-cursor.ts): the session secret, which every instance of a region shares. */
  cursorSecret = 'edgecart-list-cursors',
) {
  const pool = reads === 'consistent' ? db.consistentPool : db.readerPool;
  const client = reads === 'consistent' ? db.consistent : db.reader;
  /** This region's cached views of these products (and every list page) are gone at once, in every instance. */
  const invalidate = (ids: readonly string[]) => cache.invalidate(...ids.map(productKey), PRODUCT_LISTS_KEY);
  const cursors = createListCursors(cursorSecret);

  /** The page after product `after` (or the first), as the JSON text of a ProductPage with a signed nextCursor. */
  async function loadPage(limit: number, after: string | undefined): Promise<RawJson> {
    try {
      const { rows } = await pool.query<{ items: string; last: string | null }>({
        name: 'products-page',
        text: PRODUCT_PAGE_SQL,
        values: [after ?? null, limit],
      });
      const { items, last } = rows[0]!;
      const next = last === null ? 'null' : `"${cursors.sign(limit, last)}"`;
      return new RawJson(`{"items":[${items}],"nextCursor":${next}}`);
    } catch (err) {
      // Not through Prisma, so the error handler cannot tell this pg failure from another client's: say it here.
      throw asDependencyFailure(err);
    }
  }

  return {
    /**
     * Keyset pagination by id: stable under inserts, and every page is one index range scan. An L1 hit comes back
     * synchronously (cache.ts), anything else as a promise; a page always exists (possibly empty).
     */
    listProducts(limit: number, cursor: string | undefined): Cached<ProductPage> | Promise<Cached<ProductPage>> {
      const position = cursor === undefined ? undefined : cursors.read(limit, cursor);
      // Only the first page and pages the service linked to are cached: any other cursor is a page of its own,
      // and caching those would let one client fill the cache (issue #23). Those are read from the database.
      if (position && !position.signed)
        return loadPage(limit, position.after).then((page) => new Cached(page.json, 'miss'));
      return cache.getOrLoad<ProductPage>(
        PRODUCT_LISTS_KEY,
        () => loadPage(limit, position?.after),
        `${limit}:${position?.after ?? ''}`,
      ) as Cached<ProductPage> | Promise<Cached<ProductPage>>;
    },

    /** The product (cached), or undefined when there is none; an L1 hit synchronously, else a promise. */
    getProduct(id: string) {
      // One spelling per product: UUIDs compare case-insensitively (RFC 9562 §4), so an upper-case id is the
      // same product, cached (and invalidated) under its lower-case key, never as a copy of its own.
      const canonical = id.toLowerCase();
      return cache.getOrLoad<Product>(productKey(canonical), async () => {
        const row = await client.product.findUnique({ where: { id: canonical } });
        return row ? toProduct(row) : undefined;
      });
    },

    async createProduct(fields: CreateProduct): Promise<Product> {
      try {
        const row = await db.writer.product.create({ data: fields });
        await invalidate([row.id]);
        return toProduct(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AlreadyExistsError(`A product with sku ${fields.sku} already exists`);
        throw err;
      }
    },

    async updateProduct(id: string, fields: UpdateProduct): Promise<Product> {
      try {
        const row = await db.writer.product.update({ where: { id }, data: fields });
        await invalidate([row.id]);
        return toProduct(row);
      } catch (err) {
        if (isRecordNotFound(err)) throw new NotFoundError('Product not found');
        if (isUniqueViolation(err)) throw new AlreadyExistsError(`A product with sku ${fields.sku} already exists`);
        throw err;
      }
    },

    /**
     * For a checkout's stock: marks the products' cached views (and every list page) stale in this region. The
     * next read is answered from the copy at once and starts the one refresh (on the consistent path), so no
     * shopper waits for a load that, in a secondary region, crosses to the primary; the pre-write row is never
     * cached again (cache.ts, "Marking stale"). The stale copy may show the stock before this checkout for that
     * one refresh, as any catalog copy may: checkout judges stock on locked rows.
     */
    staleProducts: (ids: readonly string[]) => cache.markStale(...ids.map(productKey), PRODUCT_LISTS_KEY),
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
