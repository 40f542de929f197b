// Orders' data access: checkout (one statement, repositories/checkout.ts), the idempotency look-up and the
// order history. A committed checkout drops the cached views of the products it sold, in every instance of
// the region, so the next product read shows the new stock (like an admin change does).
import type { Database } from '../db.js';
import { MixedCurrenciesError, NotFoundError, OutOfStockError } from '../errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Order } from '../schemas/orders.js';
import { type CheckoutRow, checkoutStatement, type PlacedOrderJson } from './checkout.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { ProductRepository } from './products.js';

/** History pages are bounded; a shopper with more orders sees the newest ones. */
export const HISTORY_LIMIT = 100;

/**
 * Where a read goes: `writer` when it must see the caller's own recent write (read-your-writes), `reader` when
 * replica lag is acceptable.
 */
export type ReadFrom = 'writer' | 'reader';

type OrderWithItems = Prisma.OrderGetPayload<{ include: { items: true } }>;

/** Items sorted by name, so an order always reads the same way. */
function sortedItems(items: Order['items']): Order['items'] {
  return items.sort((a, b) => a.name.localeCompare(b.name));
}

export function toOrder(order: OrderWithItems): Order {
  return {
    id: order.id,
    status: order.status,
    items: sortedItems(
      order.items.map((it) => ({
        productId: it.productId,
        name: it.name,
        unitPriceCents: it.unitPriceCents,
        quantity: it.quantity,
      })),
    ),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
  };
}

function fromJson({ created: _created, ...order }: PlacedOrderJson): Order {
  return {
    ...order,
    items: sortedItems(order.items),
    createdAt: new Date(order.createdAt).toISOString(),
  };
}

export type CheckoutResult = { order: Order; created: boolean };

const IDEMPOTENCY_INDEX = 'idempotency_key';

export function createOrderRepository(db: Database, products: ProductRepository) {
  const client = (from: ReadFrom) => (from === 'writer' ? db.writer : db.reader);

  /** The order `userId` placed with `key`, read on the writer (a retry must find an order just placed). */
  async function findOrderByKey(userId: string, key: string): Promise<Order | undefined> {
    const order = await db.writer.order.findUnique({
      where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
      include: { items: true },
    });
    return order ? toOrder(order) : undefined;
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
        const { created } = row.placed_order;
        if (created) await products.invalidateProducts(productIds);
        return { order: fromJson(row.placed_order), created };
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
    async listOrders(userId: string, from: ReadFrom): Promise<Order[]> {
      const orders = await client(from).order.findMany({
        where: { userId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: HISTORY_LIMIT,
        include: { items: true },
      });
      return orders.map(toOrder);
    },

    /** One of the user's orders; someone else's is "not found", so ids cannot be probed. */
    async getOrder(userId: string, orderId: string, from: ReadFrom): Promise<Order> {
      const where = { id: orderId, userId };
      let order = await client(from).order.findFirst({ where, include: { items: true } });
      // Not (yet) on the replica: it may be an order placed from another session moments ago.
      if (!order && from === 'reader') order = await db.writer.order.findFirst({ where, include: { items: true } });
      if (!order) throw new NotFoundError('Order not found');
      return toOrder(order);
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
