// Checkout as ONE SQL statement, idempotency included. In a secondary region every statement sent to the writer
// is forwarded to the primary (≈ 110 ms Mumbai–London), so a first checkout and a replay each cost exactly one
// round trip. A single statement is atomic by itself: no BEGIN/COMMIT. It stays inside Aurora write forwarding's
// limits (no sequences: ids from gen_random_uuid(), a built-in; no savepoints, no user-defined functions, no LOCK;
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-postgresql-write-forwarding-limitations.html).
//
// How the data-modifying CTEs keep every guarantee (all CTEs share one snapshot; see the PostgreSQL manual,
// "WITH Queries", and "Transaction Isolation: Read Committed"):
// - `existing`: the order this user already placed with this idempotency key, with its items (a replay).
// - `locked`: the wanted products, locked FOR UPDATE in id order, so two overlapping checkouts cannot deadlock.
//   In READ COMMITTED a locking SELECT that waited for another checkout returns the row as that one committed
//   it, so `verdict` judges the latest stock, names, prices and currencies, which nobody can change until we
//   commit. Nothing is locked for a replay.
// - `verdict`: the first short product (missing, or stock below the quantity), mixed currencies, and whether a
//   concurrent checkout changed these products after our snapshot (`contended`: the locked stock differs from
//   the snapshot's), the one case where an order with our key may exist that `existing` could not see.
// - `verdict.total_too_large`: the order's total, summed in bigint (int4 products overflowed before), is above
//   what orders.total_cents holds (domain/order-total.ts); then nothing is written and the caller answers 409.
// - `sold`, `new_order`, `new_items` write only when the verdict is clean (`go`) and nothing exists: the guarded
//   UPDATE (backed by the CHECK stock >= 0), then the order at the locked prices, then its items.
// A concurrent request with the same key that passes every check hits the unique (user_id, idempotency_key)
// index: the whole statement rolls back (no stock change) and the caller reads the first order.
// Not verified on a real Aurora secondary (no AWS account here): AWS documents that a multi-part DML statement is
// forwarded whole; this one's top level is a SELECT over data-modifying CTEs, which PostgreSQL itself treats as a
// write (a hot standby refuses it). Rehearse a London checkout on a real secondary before relying on it.
import { ORDER_TOTAL_MAX_CENTS } from '../domain/order-total.js';
import { Prisma } from '../generated/prisma/client.js';
import { ORDER_JSON, type OrderJson } from './order-json.js';

export interface CheckoutRow {
  /** The key's earlier order (a replay) or the order just placed; null when nothing was placed. */
  placed_order: OrderJson | null;
  /** true: `placed_order` was placed by this statement. */
  created: boolean;
  short_product_id: string | null;
  mixed_currencies: boolean;
  /** The order's total is above ORDER_TOTAL_MAX_CENTS: nothing was placed. */
  total_too_large: boolean;
  contended: boolean;
}

/** The checkout statement for `userId`'s cart (product ids sorted, with their quantities). */
export function checkoutStatement(
  userId: string,
  idempotencyKey: string | null,
  productIds: string[],
  quantities: number[],
): Prisma.Sql {
  return Prisma.sql`
WITH existing AS (
  SELECT ${ORDER_JSON} AS order_json
    FROM orders o
   WHERE o.user_id = ${userId}::uuid AND o.idempotency_key = ${idempotencyKey}::varchar
), wanted AS (
  SELECT w.product_id, w.quantity FROM unnest(${productIds}::uuid[], ${quantities}::int[]) AS w(product_id, quantity)
), snapshot AS (
  SELECT p.id, p.stock FROM products p WHERE p.id = ANY(${productIds}::uuid[])
), locked AS MATERIALIZED (
  SELECT p.id, p.name, p.price_cents, p.currency, p.stock
    FROM products p
   WHERE p.id = ANY(${productIds}::uuid[]) AND NOT EXISTS (SELECT FROM existing)
   ORDER BY p.id
     FOR UPDATE
), verdict AS MATERIALIZED (
  SELECT NOT EXISTS (SELECT FROM existing) AS fresh,
         (SELECT w.product_id FROM wanted w LEFT JOIN locked l ON l.id = w.product_id
           WHERE NOT EXISTS (SELECT FROM existing) AND (l.id IS NULL OR l.stock < w.quantity)
           ORDER BY w.product_id LIMIT 1) AS short_product_id,
         (SELECT count(DISTINCT l.currency) > 1 FROM locked l) AS mixed_currencies,
         COALESCE((SELECT sum(l.price_cents::bigint * w.quantity) FROM wanted w JOIN locked l ON l.id = w.product_id)
                  > ${ORDER_TOTAL_MAX_CENTS}, false) AS total_too_large,
         EXISTS (SELECT FROM locked l JOIN snapshot s ON s.id = l.id WHERE l.stock <> s.stock) AS contended
), go AS (
  SELECT v.fresh AND v.short_product_id IS NULL AND NOT v.mixed_currencies AND NOT v.total_too_large AS placeable
    FROM verdict v
), sold AS (
  UPDATE products p
     SET stock = p.stock - w.quantity, updated_at = now()
    FROM wanted w
   WHERE (SELECT placeable FROM go) AND p.id = w.product_id AND p.stock >= w.quantity
  RETURNING p.id
), new_order AS (
  INSERT INTO orders (id, user_id, total_cents, currency, idempotency_key)
  SELECT gen_random_uuid(), ${userId}::uuid, sum(l.price_cents::bigint * w.quantity), min(l.currency), ${idempotencyKey}::varchar
    FROM wanted w JOIN locked l ON l.id = w.product_id
   WHERE (SELECT placeable FROM go)
  HAVING count(*) > 0
  RETURNING id, status, total_cents, currency, created_at
), new_items AS (
  INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity)
  SELECT o.id, l.id, l.name, l.price_cents, w.quantity
    FROM new_order o CROSS JOIN wanted w JOIN locked l ON l.id = w.product_id
  RETURNING order_id, product_id, name, unit_price_cents, quantity
)
SELECT COALESCE(
         (SELECT e.order_json FROM existing e),
         (SELECT json_build_object('id', o.id, 'status', o.status, 'totalCents', o.total_cents,
                   'currency', o.currency, 'createdAt', o.created_at,
                   'items', (SELECT json_agg(json_build_object('productId', i.product_id, 'name', i.name,
                                     'unitPriceCents', i.unit_price_cents, 'quantity', i.quantity))
                               FROM new_items i))
            FROM new_order o)
       ) AS placed_order,
       EXISTS (SELECT FROM new_order) AS created,
       v.short_product_id::text AS short_product_id,
       v.mixed_currencies,
       v.total_too_large,
       v.contended
  FROM verdict v`;
}
