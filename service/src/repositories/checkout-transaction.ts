// The checkout's fallback, made only of statements AWS documents as forwarded by Aurora write forwarding
// (SELECT … FOR SHARE / FOR UPDATE, and one multipart INSERT, inside BEGIN … COMMIT in READ COMMITTED;
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-postgresql-write-forwarding-limitations.html).
// The one-statement checkout (checkout.ts) is a top-level SELECT over data-modifying CTEs, a shape no AWS list
// names: if a secondary runs it locally (SQLSTATE 25006, a read-only transaction) or refuses it (0A000), the
// orders repository switches to this transaction for good. It gives the same guarantees with plain statements:
// the key's earlier order is read with a locking read (so it is read on the writer, never from a lagging
// replica), the products are locked in id order, stock and currencies are judged on the locked rows, and the
// writes run only when all is well, as one multipart DML statement. Each statement is one round trip to the
// writer: four in all (the lock, the existing-order read, the writes, COMMIT) against one; BEGIN itself moves to
// the writer with the first forwarded statement. A replay costs three (lock, read, COMMIT).
import type pg from 'pg';
import { ORDER_TOTAL_MAX_CENTS } from '../domain/order-total.js';
import { asDependencyFailure } from '../errors.js';
import type { CheckoutRow } from './checkout.js';

interface LockedProduct {
  id: string;
  name: string;
  price_cents: number;
  currency: string;
  stock: number;
}

const EXISTING_ORDER = `
SELECT json_build_object(
  'id', o.id, 'status', o.status, 'totalCents', o.total_cents, 'currency', o.currency, 'createdAt', o.created_at,
  'items', COALESCE((SELECT json_agg(json_build_object('productId', i.product_id, 'name', i.name,
                              'unitPriceCents', i.unit_price_cents, 'quantity', i.quantity))
                       FROM order_items i WHERE i.order_id = o.id), '[]'::json)) AS order_json
  FROM orders o
 WHERE o.user_id = $1::uuid AND o.idempotency_key = $2::varchar
   FOR SHARE OF o`;

export async function checkoutTransaction(
  pool: pg.Pool,
  userId: string,
  idempotencyKey: string | null,
  productIds: string[],
  quantities: number[],
): Promise<CheckoutRow> {
  const client = await pool.connect().catch((err: unknown) => {
    throw asDependencyFailure(err);
  });
  let broken = false;
  // A checked-out client has no pool listener: a connection lost between two statements (a failover, a cut
  // path) is emitted as 'error' on the client and would crash the process. Note it; the statement in flight
  // fails on its own, and the connection is destroyed, not returned.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const answer = (row: Partial<CheckoutRow>): CheckoutRow => ({
      placed_order: null,
      created: false,
      short_product_id: null,
      mixed_currencies: false,
      total_too_large: false,
      contended: false,
      ...row,
    });
    // Lock first, then look for the key's order: a checkout with the same key that committed while we waited for
    // the locks is visible to the next statement (READ COMMITTED), and one still running is behind our locks and
    // will hit the unique key. Both reads lock, so Aurora forwards them: they never read a lagging replica.
    const { rows: locked } = await client.query<LockedProduct>(
      `SELECT id, name, price_cents, currency, stock FROM products
        WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [productIds],
    );
    if (idempotencyKey !== null) {
      const existing = await client.query<{ order_json: CheckoutRow['placed_order'] }>(EXISTING_ORDER, [
        userId,
        idempotencyKey,
      ]);
      if (existing.rows[0]) {
        await client.query('COMMIT');
        return answer({ placed_order: existing.rows[0].order_json });
      }
    }
    const byId = new Map(locked.map((p) => [p.id, p]));
    const short = productIds.find((id, i) => (byId.get(id)?.stock ?? -1) < quantities[i]!);
    const mixed = new Set(locked.map((p) => p.currency)).size > 1;
    // Exact in JS: each line is at most 2^31 × 99, far below 2^53. The statement path sums in bigint.
    const total = productIds.reduce((sum, id, i) => sum + (byId.get(id)?.price_cents ?? 0) * quantities[i]!, 0);
    const tooLarge = total > ORDER_TOTAL_MAX_CENTS;
    if (short || mixed || tooLarge) {
      await client.query('ROLLBACK');
      return answer({ short_product_id: short ?? null, mixed_currencies: mixed, total_too_large: tooLarge });
    }
    // One DML statement for the three writes: a top-level INSERT whose CTEs update the stock and insert the
    // order, i.e. the "DML statements [that] might consist of multiple parts" AWS forwards whole (limitations
    // page above), one round trip instead of three. Data-modifying CTEs all see the statement's snapshot and the
    // order row is there when the items' foreign key is checked (at the end of the statement).
    const { rows: placed } = await client.query<{
      id: string;
      status: string;
      total_cents: number;
      currency: string;
      created_at: Date;
    }>(
      `WITH sold AS (
         UPDATE products p SET stock = p.stock - w.quantity, updated_at = now()
           FROM unnest($1::uuid[], $2::int[]) AS w(product_id, quantity)
          WHERE p.id = w.product_id
         RETURNING p.id, p.name, p.price_cents, w.quantity
       ), placed AS (
         INSERT INTO orders (id, user_id, total_cents, currency, idempotency_key)
         VALUES (gen_random_uuid(), $3::uuid, $4, $5, $6::varchar)
         RETURNING id, status, total_cents, currency, created_at
       )
       INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity)
       SELECT placed.id, sold.id, sold.name, sold.price_cents, sold.quantity FROM placed, sold
       RETURNING order_id AS id, (SELECT status FROM placed), (SELECT total_cents FROM placed),
                 (SELECT currency FROM placed), (SELECT created_at FROM placed)`,
      [productIds, quantities, userId, total, locked[0]!.currency, idempotencyKey],
    );
    const order = placed[0]!;
    await client.query('COMMIT');
    return answer({
      created: true,
      placed_order: {
        id: order.id,
        status: order.status,
        totalCents: Number(order.total_cents),
        currency: order.currency,
        createdAt: order.created_at.toISOString(),
        items: productIds.map((id, i) => ({
          productId: id,
          name: byId.get(id)!.name,
          unitPriceCents: byId.get(id)!.price_cents,
          quantity: quantities[i]!,
        })),
      },
    });
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    // A lost connection or an unavailable database is a 503 like on the one-statement path (Prisma's errors
    // are classified in errors.ts; these come from node-postgres itself). Refusals (25006, 0A000) and domain
    // answers pass through unchanged.
    throw asDependencyFailure(err);
  } finally {
    // A connection whose ROLLBACK failed (or that was lost) is not handed to the next request.
    client.removeListener('error', onError);
    client.release(broken || undefined);
  }
}
