// Orders as the API returns them, and the checkout's Idempotency-Key header.
import { type Static, Type } from 'typebox';

export const OrderLineSchema = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  unitPriceCents: Type.Integer(),
  quantity: Type.Integer(),
});
export type OrderLine = Static<typeof OrderLineSchema>;

export const OrderSchema = Type.Object({
  id: Type.String(),
  status: Type.String(),
  items: Type.Array(OrderLineSchema),
  totalCents: Type.Integer(),
  currency: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Order = Static<typeof OrderSchema>;

export const OrderListSchema = Type.Object({ items: Type.Array(OrderSchema) });

export const CheckoutHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7E]+$', description: 'Printable ASCII' }),
  ),
});
