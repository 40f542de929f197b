// Checkout: turns a cart into an order in one transaction on the writer.
// Kept to a handful of statements because in a secondary region each one is forwarded to the primary
// (≈ 110 ms Mumbai–London): one UPDATE … RETURNING both guards and decrements stock and reads the
// authoritative names and prices, then two INSERTs write the order. No user-defined functions
// (Aurora write forwarding rejects them).
import { conflict } from '../errors.js';
import { Prisma as PrismaNS, type PrismaClient } from '../generated/prisma/client.js';

export interface OrderView {
  id: string;
  status: string;
  items: { productId: string; name: string; unitPriceCents: number; quantity: number }[];
  totalCents: number;
  currency: string;
  createdAt: string;
}

type OrderWithItems = PrismaNS.OrderGetPayload<{ include: { items: true } }>;

export function toOrderView(order: OrderWithItems): OrderView {
  return {
    id: order.id,
    status: order.status,
    items: order.items
      .map((it) => ({ productId: it.productId, name: it.name, unitPriceCents: it.unitPriceCents, quantity: it.quantity }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
  };
}

interface ReservedRow {
  id: string;
  name: string;
  price_cents: number;
  currency: string;
}

const MAX_ATTEMPTS = 3;

function isRetryable(err: unknown): boolean {
  // P2034: write conflict or deadlock; Prisma rolls back, and the whole checkout can safely run again.
  return err instanceof PrismaNS.PrismaClientKnownRequestError && err.code === 'P2034';
}

function isIdempotencyClash(err: unknown): boolean {
  if (!(err instanceof PrismaNS.PrismaClientKnownRequestError) || err.code !== 'P2002') return false;
  return JSON.stringify(err.meta ?? {}).includes('idempotency_key') || err.message.includes('idempotency');
}

export type CheckoutResult = { order: OrderView; created: boolean };

export async function findOrderByKey(writer: PrismaClient, userId: string, key: string) {
  const order = await writer.order.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
    include: { items: true },
  });
  return order ? toOrderView(order) : undefined;
}

/**
 * Places an order for `cart` (productId → quantity). Throws 409 with the productId when stock is short,
 * leaving everything as it was. With an idempotency key, a retry (even a concurrent one) returns the
 * first order instead of placing a second.
 */
export async function placeOrder(
  writer: PrismaClient,
  userId: string,
  cart: Record<string, number>,
  idempotencyKey?: string,
): Promise<CheckoutResult> {
  if (idempotencyKey) {
    const existing = await findOrderByKey(writer, userId, idempotencyKey);
    if (existing) return { order: existing, created: false };
  }
  const ids = Object.keys(cart).sort();
  const quantities = ids.map((id) => cart[id]!);

  for (let attempt = 1; ; attempt++) {
    try {
      const order = await writer.$transaction(async (tx) => {
        // Rows are locked in id order (the CTE) so two overlapping checkouts cannot deadlock each other;
        // `stock >= qty` makes the decrement conditional, so stock can never go below zero.
        const reserved = await tx.$queryRaw<ReservedRow[]>`
          WITH wanted AS (
            SELECT * FROM unnest(${ids}::uuid[], ${quantities}::int[]) AS w(id, qty)
          ), locked AS (
            SELECT p.id FROM products p JOIN wanted w ON w.id = p.id ORDER BY p.id FOR UPDATE OF p
          )
          UPDATE products p
             SET stock = p.stock - w.qty, updated_at = now()
            FROM wanted w, locked l
           WHERE p.id = w.id AND l.id = p.id AND p.stock >= w.qty
          RETURNING p.id::text AS id, p.name, p.price_cents, p.currency`;
        if (reserved.length !== ids.length) {
          const got = new Set(reserved.map((r) => r.id));
          const short = ids.find((id) => !got.has(id))!;
          // Throwing rolls the transaction back: no stock changes, no order.
          throw conflict('Not enough stock for one of the products in your cart', { productId: short });
        }
        const currencies = new Set(reserved.map((r) => r.currency));
        if (currencies.size > 1) throw conflict('The cart mixes currencies; check out one currency at a time');
        const totalCents = reserved.reduce((sum, r) => sum + r.price_cents * cart[r.id]!, 0);
        return tx.order.create({
          data: {
            userId,
            totalCents,
            currency: reserved[0]!.currency,
            idempotencyKey: idempotencyKey ?? null,
            items: {
              createMany: {
                data: reserved.map((r) => ({
                  productId: r.id,
                  name: r.name,
                  unitPriceCents: r.price_cents,
                  quantity: cart[r.id]!,
                })),
              },
            },
          },
          include: { items: true },
        });
      });
      return { order: toOrderView(order), created: true };
    } catch (err) {
      if (idempotencyKey && isIdempotencyClash(err)) {
        // A concurrent request with the same key committed first; its order is the answer.
        const existing = await findOrderByKey(writer, userId, idempotencyKey);
        if (existing) return { order: existing, created: false };
      }
      if (attempt < MAX_ATTEMPTS && isRetryable(err)) continue;
      throw err;
    }
  }
}
