// The per-customer cap of issue #23 ("denial of inventory": with no payment, a few accounts could order all the
// stock): units of each product a customer ordered within the last 24 hours. A separate, small query beside the
// checkout statement (checkout.ts stays one statement), on the regional reader: one round trip inside the region,
// never one to the primary (the consistent path would wait for the primary's commit point, a cross-region round
// trip plus the replica's lag, on every checkout of a secondary region). The price: the customer's orders of the
// last replica lag (Aurora: typically under a second) are not counted yet, so checkouts of one customer within
// that lag can each pass. The cap is a deterrent bounded by the per-order cap of the orders in that window, not
// an accounting rule (a shop with payments reserves stock, docs/api.md).
import type { Database } from '../db.js';
import { PurchaseLimitError } from '../errors.js';

export interface PurchaseLimits {
  perOrder: number;
  /** 0: no per-customer cap. */
  perCustomerPerDay: number;
}

export function createPurchaseLimits(db: Database, limits: PurchaseLimits) {
  return {
    /** Throws PurchaseLimitError for the first product of `cart` over a cap. */
    async check(userId: string, cart: Record<string, number>, idempotencyKey: string | undefined) {
      for (const [productId, quantity] of Object.entries(cart)) {
        if (quantity > limits.perOrder) {
          throw new PurchaseLimitError(productId, `At most ${limits.perOrder} units of one product per order`);
        }
      }
      if (limits.perCustomerPerDay === 0) return;
      const client = db.reader;
      // The order a retry of this key made is not counted: the retry must get that order back, not a refusal.
      const rows = await client.$queryRaw<{ product_id: string; units: bigint }[]>`
        SELECT oi.product_id::text AS product_id, sum(oi.quantity) AS units
          FROM orders o JOIN order_items oi ON oi.order_id = o.id
         WHERE o.user_id = ${userId}::uuid
           AND o.created_at > now() - interval '24 hours'
           AND o.idempotency_key IS DISTINCT FROM ${idempotencyKey ?? null}
           AND oi.product_id = ANY(${Object.keys(cart)}::uuid[])
         GROUP BY oi.product_id`;
      for (const { product_id, units } of rows) {
        if (Number(units) + (cart[product_id] ?? 0) > limits.perCustomerPerDay) {
          throw new PurchaseLimitError(
            product_id,
            `At most ${limits.perCustomerPerDay} units of one product per customer in 24 hours`,
          );
        }
      }
    },
  };
}

export type PurchaseLimitsChecker = ReturnType<typeof createPurchaseLimits>;
