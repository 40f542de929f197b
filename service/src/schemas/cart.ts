// The cart (kept in the session, priced from the catalog) and the bodies that change it.
import { type Static, Type } from 'typebox';
import { UuidSchema } from './common.js';

export const CartLineSchema = Type.Object({
  productId: Type.String(),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
});
export type CartLine = Static<typeof CartLineSchema>;

export const CartSchema = Type.Object({
  items: Type.Array(CartLineSchema),
  totalCents: Type.Integer(),
  /** The currency of the cart's products; null when the cart is empty. */
  currency: Type.Union([Type.String(), Type.Null()]),
});
export type Cart = Static<typeof CartSchema>;

export const CartItemParamsSchema = Type.Object({ productId: UuidSchema }, { additionalProperties: false });

export const CartQuantitySchema = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: 99 }) },
  { additionalProperties: false },
);
