// The cart lives in the session (anonymous or logged in), so any instance in the region serves it.
// Prices are always the catalog's current prices; the client never sends one.
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Catalog } from '../domain/catalog.js';
import { notFound } from '../errors.js';
import { errors, Uuid } from './schemas.js';

export const Cart = Type.Object({
  items: Type.Array(
    Type.Object({ productId: Type.String(), quantity: Type.Integer(), unitPriceCents: Type.Integer() }),
  ),
  totalCents: Type.Integer(),
  currency: Type.Union([Type.String(), Type.Null()]),
});

const ItemParams = Type.Object({ productId: Uuid }, { additionalProperties: false });
const Quantity = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: 99 }) },
  { additionalProperties: false },
);

/** The session's cart priced from the catalog; products that no longer exist drop out. */
export async function priceCart(catalog: Catalog, request: FastifyRequest) {
  const entries = Object.entries(request.session.cart ?? {});
  const products = await Promise.all(entries.map(([id]) => catalog.getProduct(id)));
  const items = [];
  let currency: string | null = null;
  for (const [i, [productId, quantity]] of entries.entries()) {
    const product = products[i]?.value;
    if (!product) continue;
    currency ??= product.currency;
    items.push({ productId, quantity, unitPriceCents: product.priceCents });
  }
  return { items, totalCents: items.reduce((sum, it) => sum + it.quantity * it.unitPriceCents, 0), currency };
}

/** Every change gives the cart a new revision, so a checkout of the same revision is recognised as a retry. */
function touchCart(request: FastifyRequest, cart: Record<string, number>): void {
  request.session.cart = cart;
  request.session.cartId ??= randomUUID();
  request.session.cartRevision = (request.session.cartRevision ?? 0) + 1;
}

export default async function cartRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { catalog } = app.deps;

  r.get(
    '/api/cart',
    { schema: { tags: ['cart'], summary: 'The current cart', response: { 200: Cart } } },
    async (request) => priceCart(catalog, request),
  );

  r.put(
    '/api/cart/items/:productId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Set the quantity of one product in the cart',
        params: ItemParams,
        body: Quantity,
        response: { 200: Cart, ...errors(400, 404) },
      },
    },
    async (request) => {
      const product = (await catalog.getProduct(request.params.productId))?.value;
      if (!product) throw notFound('Product not found');
      touchCart(request, { ...request.session.cart, [product.id]: request.body.quantity });
      return priceCart(catalog, request);
    },
  );

  r.delete(
    '/api/cart/items/:productId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Remove one product from the cart',
        params: ItemParams,
        response: { 200: Cart, ...errors(400) },
      },
    },
    async (request) => {
      const cart = request.session.cart;
      if (cart && request.params.productId in cart) {
        const { [request.params.productId]: _removed, ...rest } = cart;
        touchCart(request, rest);
      }
      return priceCart(catalog, request);
    },
  );
}
