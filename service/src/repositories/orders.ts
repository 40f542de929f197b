// Orders' data access: checkout (one statement, checkout.ts, or its fallback transaction,
// checkout-transaction.ts), the idempotency look-up and the order history, each one statement (order-json.ts).
// A committed checkout drops the cached views of the products it sold in every instance of the region, so the
// next product read shows the new stock (as an admin change does).
//
// Reads that must see a write already acknowledged somewhere (the first order behind a retried checkout, an
// order just placed through another instance) go to `db.consistent`, never to a lagging replica, and never on
// the strength of a time window: the history and the order read from the reader, and only when the order the
// session knows it placed is missing there is the read repeated on the consistent path.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db.js';
import { MixedCurrenciesError, NotFoundError, OrderTotalTooLargeError, OutOfStockError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Order } from '../schemas/orders.js';
import { type CheckoutRow, checkoutStatement } from './checkout.js';
import { checkoutTransaction } from './checkout-transaction.js';
import { ORDER_JSON, type OrderJson, toOrder } from './order-json.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { ProductRepository } from './products.js';

/** History pages are bounded; a shopper with more orders sees the newest ones. */
export const HISTORY_LIMIT = 100;

/** Where a read goes: `consistent` when it must see every acknowledged write, `reader` when lag is acceptable. */
type ReadFrom = 'consistent' | 'reader';

/** Which checkout runs: the one statement, or the fallback transaction once the writer path refused it. */
export type CheckoutPath = 'statement' | 'transaction';

export type CheckoutResult = { order: Order; created: boolean };

/** Part of the name of the unique (user_id, idempotency_key) index. */
const IDEMPOTENCY_INDEX = 'idempotency_key';

/**
 * How a write-forwarding instance answers the one-statement checkout if it does not forward it: run locally in a
 * read-only transaction (25006), or refused as unsupported (0A000). Anything else is a real failure.
 */
function refusedByWriterPath(err: unknown): boolean {
  const code = (err as { code?: string; meta?: { code?: string }; cause?: { code?: string } } | undefined)?.code;
  const codes = [
    code,
    (err as { meta?: { code?: string } })?.meta?.code,
    (err as { cause?: { code?: string } })?.cause?.code,
  ];
  const text = err instanceof Error ? err.message : '';
  return (
    codes.includes('25006') ||
    codes.includes('0A000') ||
    /read-only transaction|not supported with write forwarding/.test(text)
  );
}

export function createOrderRepository(
  db: Database,
  products: ProductRepository,
  options: { log?: FastifyBaseLogger; mode?: 'auto' | 'transaction' } = {},
) {
  const { log } = options;
  let path: CheckoutPath = options.mode === 'transaction' ? 'transaction' : 'statement';

  async function selectOrders(from: ReadFrom, where: Prisma.Sql, limit = 1): Promise<Order[]> {
    const client = from === 'consistent' ? db.consistent : db.reader;
    const rows = await client.$queryRaw<{ order_json: OrderJson }[]>`
      SELECT ${ORDER_JSON} AS order_json FROM orders o
       WHERE ${where}
       ORDER BY o.created_at DESC, o.id DESC
       LIMIT ${limit}`;
    return rows.map((row) => toOrder(row.order_json));
  }

  /** The order `userId` placed with `key`, on the consistent path (a retry must find an order just placed). */
  async function findOrderByKey(userId: string, key: string): Promise<Order | undefined> {
    const [order] = await selectOrders(
      'consistent',
      Prisma.sql`o.user_id = ${userId}::uuid AND o.idempotency_key = ${key}::varchar`,
    );
    return order;
  }

  async function runCheckout(
    userId: string,
    key: string | null,
    productIds: string[],
    quantities: number[],
  ): Promise<CheckoutRow> {
    if (path === 'transaction') return checkoutTransaction(db.writerPool, userId, key, productIds, quantities);
    try {
      const [row] = (await db.writer.$queryRaw<CheckoutRow[]>(
        checkoutStatement(userId, key, productIds, quantities),
      )) as [CheckoutRow];
      return row;
    } catch (err) {
      if (!refusedByWriterPath(err)) throw err;
      // Nothing was written (the statement never ran on the writer): the fallback places the order.
      path = 'transaction';
      log?.warn(
        { err },
        'the writer path does not forward the one-statement checkout; checkout uses the transaction of forwarded statements from now on',
      );
      return checkoutTransaction(db.writerPool, userId, key, productIds, quantities);
    }
  }

  return {
    findOrderByKey,

    /** The checkout this process runs now (it moves to `transaction` for good when the writer path refuses). */
    get checkoutPath(): CheckoutPath {
      return path;
    },

    /**
     * Places an order for `cart` (productId → quantity) at the database's prices, or returns the order already
     * placed with `idempotencyKey` (created: false). OutOfStockError names the short product,
     * MixedCurrenciesError refuses a cart of two currencies and OrderTotalTooLargeError a total above
     * ORDER_TOTAL_MAX_CENTS; either way nothing is written.
     */
    async placeOrder(userId: string, cart: Record<string, number>, idempotencyKey?: string): Promise<CheckoutResult> {
      const productIds = Object.keys(cart).sort();
      const quantities = productIds.map((id) => cart[id]!);
      let row: CheckoutRow;
      try {
        row = await runCheckout(userId, idempotencyKey ?? null, productIds, quantities);
      } catch (err) {
        // A concurrent request with the same key committed first; its order is the answer.
        if (idempotencyKey && isUniqueViolation(err, IDEMPOTENCY_INDEX)) {
          const first = await findOrderByKey(userId, idempotencyKey);
          if (first) return { order: first, created: false };
        }
        throw err;
      }
      if (row.placed_order) {
        if (row.created) await products.staleProducts(productIds);
        return { order: toOrder(row.placed_order), created: row.created };
      }
      // Stock moved under us: maybe a concurrent request with the same key took it. Then that order is the answer.
      if (idempotencyKey && row.contended) {
        const first = await findOrderByKey(userId, idempotencyKey);
        if (first) return { order: first, created: false };
      }
      if (row.short_product_id) throw new OutOfStockError(row.short_product_id);
      if (row.mixed_currencies) throw new MixedCurrenciesError();
      if (row.total_too_large) throw new OrderTotalTooLargeError();
      throw new Error('checkout statement answered neither an order nor a reason');
    },

    /**
     * The user's orders, newest first (at most HISTORY_LIMIT), from the reader; on the consistent path when the
     * order this session last placed (`lastPlaced`) is not there yet.
     */
    async listOrders(userId: string, lastPlaced?: string): Promise<Order[]> {
      const where = Prisma.sql`o.user_id = ${userId}::uuid`;
      const orders = await selectOrders('reader', where, HISTORY_LIMIT);
      if (lastPlaced && !orders.some((o) => o.id === lastPlaced)) {
        return selectOrders('consistent', where, HISTORY_LIMIT);
      }
      return orders;
    },

    /**
     * One of the user's orders; someone else's is "not found", so ids cannot be probed. Not on the reader (yet):
     * it may be an order placed moments ago through another instance or region, so the consistent path decides.
     */
    async getOrder(userId: string, orderId: string): Promise<Order> {
      const where = Prisma.sql`o.id = ${orderId}::uuid AND o.user_id = ${userId}::uuid`;
      let [order] = await selectOrders('reader', where);
      if (!order) [order] = await selectOrders('consistent', where);
      if (!order) throw new NotFoundError('Order not found');
      return order;
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
