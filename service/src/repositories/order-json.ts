// An order with its items as one JSON value built by PostgreSQL, so every order read is one statement (Prisma's
// `include` costs a second query for the items; in a secondary region each writer statement crosses the link).
import { Prisma } from '../generated/prisma/client.js';
import type { Order } from '../schemas/orders.js';

/** The order of alias `o` (a row of orders) with its items, as JSON in the API's shape. */
export const ORDER_JSON = Prisma.sql`json_build_object(
  'id', o.id, 'status', o.status, 'totalCents', o.total_cents, 'currency', o.currency, 'createdAt', o.created_at,
  'items', COALESCE(
    (SELECT json_agg(json_build_object('productId', i.product_id, 'name', i.name,
                     'unitPriceCents', i.unit_price_cents, 'quantity', i.quantity))
       FROM order_items i WHERE i.order_id = o.id),
    '[]'::json))`;

/** What ORDER_JSON decodes to: createdAt is PostgreSQL's timestamp text. */
export type OrderJson = Order;

/** The API's order: createdAt in ISO 8601 UTC, items sorted by name so an order always reads the same way. */
export function toOrder(json: OrderJson): Order {
  return {
    ...json,
    items: [...json.items].sort((a, b) => a.name.localeCompare(b.name)),
    createdAt: new Date(json.createdAt).toISOString(),
  };
}
