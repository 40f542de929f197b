// Orders' data access: checkout (one statement, checkout.ts), the idempotency look-up and the order history,
// each one statement (order-json.ts). A committed checkout drops the cached views of the products it sold in
// every instance of the region, so the next product read shows the new stock (as an admin change does).
import type { Database } from '../db.js';
import { MixedCurrenciesError, NotFoundError, OutOfStockError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Order } from '../schemas/orders.js';
import { type CheckoutRow, checkoutStatement } from './checkout.js';
import { ORDER_JSON, type OrderJson, toOrder } from './order-json.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { ProductRepository } from './products.js';

/** History pages are bounded; a shopper with more orders sees the newest ones. */
export const HISTORY_LIMIT = 100;

/**
 * Where a read goes: `writer` when it must see the caller's own recent write (read-your-writes), `reader` when
 * replica lag is acceptable.
 */
export type ReadFrom = 'writer' | 'reader';

export type CheckoutResult = { order: Order; created: boolean };

/** Part of the name of the unique (user_id, idempotency_key) index. */
const IDEMPOTENCY_INDEX = 'idempotency_key';

export function createOrderRepository(db: Database, products: ProductRepository) {
  async function selectOrders(from: ReadFrom, where: Prisma.Sql, limit = 1): Promise<Order[]> {
    const client = from === 'writer' ? db.writer : db.reader;
    const rows = await client.$queryRaw<{ order_json: OrderJson }[]>`
      SELECT ${ORDER_JSON} AS order_json FROM orders o
       WHERE ${where}
       ORDER BY o.created_at DESC, o.id DESC
       LIMIT ${limit}`;
    return rows.map((row) => toOrder(row.order_json));
  }

  /** The order `userId` placed with `key`, read on the writer (a retry must find an order just placed). */
  async function findOrderByKey(userId: string, key: string): Promise<Order | undefined> {
    const [order] = await selectOrders(
      'writer',
      Prisma.sql`o.user_id = ${userId}::uuid AND o.idempotency_key = ${key}::varchar`,
    );
    return order;
  }

  return {
    findOrderByKey,

    /**
     * Places an order for `cart` (productId → quantity) at the database's prices, or returns the order already
     * placed with `idempotencyKey` (created: false). OutOfStockError names the short product and
     * MixedCurrenciesError refuses a cart of two currencies; either way nothing is written.
     */
    async placeOrder(userId: string, cart: Record<string, number>, idempotencyKey?: string): Promise<CheckoutResult> {
      const productIds = Object.keys(cart).sort();
      const quantities = productIds.map((id) => cart[id]!);
      let row: CheckoutRow;
      try {
        [row] = (await db.writer.$queryRaw<CheckoutRow[]>(
          checkoutStatement(userId, idempotencyKey ?? null, productIds, quantities),
        )) as [CheckoutRow];
      } catch (err) {
        // A concurrent request with the same key committed first; its order is the answer.
        if (idempotencyKey && isUniqueViolation(err, IDEMPOTENCY_INDEX)) {
          const first = await findOrderByKey(userId, idempotencyKey);
          if (first) return { order: first, created: false };
        }
        throw err;
      }
      if (row.placed_order) {
        if (row.created) await products.invalidateProducts(productIds);
        return { order: toOrder(row.placed_order), created: row.created };
      }
      // Stock moved under us: maybe a concurrent request with the same key took it. Then that order is the answer.
      if (idempotencyKey && row.contended) {
        const first = await findOrderByKey(userId, idempotencyKey);
        if (first) return { order: first, created: false };
      }
      if (row.short_product_id) throw new OutOfStockError(row.short_product_id);
      if (row.mixed_currencies) throw new MixedCurrenciesError();
      throw new Error('checkout statement answered neither an order nor a reason');
    },

    /** The user's orders, newest first (at most HISTORY_LIMIT). */
    listOrders(userId: string, from: ReadFrom): Promise<Order[]> {
      return selectOrders(from, Prisma.sql`o.user_id = ${userId}::uuid`, HISTORY_LIMIT);
    },

    /** One of the user's orders; someone else's is "not found", so ids cannot be probed. */
    async getOrder(userId: string, orderId: string, from: ReadFrom): Promise<Order> {
      const where = Prisma.sql`o.id = ${orderId}::uuid AND o.user_id = ${userId}::uuid`;
      let [order] = await selectOrders(from, where);
      // Not (yet) on the replica: it may be an order placed from another session moments ago.
      if (!order && from === 'reader') [order] = await selectOrders('writer', where);
      if (!order) throw new NotFoundError('Order not found');
      return order;
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
