// The cart lives in the session (anonymous or logged in), so any instance in the region serves it.
// Prices are always the catalog's current prices; the client never sends one.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ORDER_TOTAL_MAX_CENTS } from '../domain/order-total.js';
import { badRequest, HttpError, NotFoundError, OrderTotalTooLargeError } from '../errors.js';
import type { ProductRepository } from '../repositories/products.js';
import { type Cart, type CartLine, CartItemParamsSchema, CartQuantitySchema, CartSchema } from '../schemas/cart.js';
import { errorResponses } from '../schemas/common.js';

/**
 * Most distinct products in one cart: keeps a session small (each stored session is bounded, plugins/session.ts)
 * and one checkout's statement short.
 */
export const CART_MAX_LINES = 50;

/** The session's cart priced from the catalog; products that no longer exist drop out. */
export async function priceCart(products: ProductRepository, request: FastifyRequest): Promise<Cart> {
  const entries = Object.entries(request.session.cart ?? {});
  const found = await Promise.all(entries.map(([id]) => products.getProduct(id)));
  const items: CartLine[] = [];
  let currency: string | null = null;
  for (const [i, [productId, quantity]] of entries.entries()) {
    const product = found[i]?.value;
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

const cartRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { products } = app.deps;

  app.get(
    '/api/cart',
    { schema: { tags: ['cart'], summary: 'The current cart', response: { 200: CartSchema } } },
    async (request) => priceCart(products, request),
  );

  app.put(
    '/api/cart/items/:productId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Set the quantity of one product in the cart',
        params: CartItemParamsSchema,
        body: CartQuantitySchema,
        response: { 200: CartSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const perOrder = app.deps.config.orderMaxUnitsPerProduct;
      if (request.body.quantity > perOrder) throw badRequest(`At most ${perOrder} units of one product per order`);
      const product = (await products.getProduct(request.params.productId))?.value;
      if (!product) throw new NotFoundError('Product not found');
      const lines = Object.keys(request.session.cart ?? {});
      if (!lines.includes(product.id) && lines.length >= CART_MAX_LINES) {
        throw new HttpError(409, `A cart holds at most ${CART_MAX_LINES} different products`);
      }
      touchCart(request, { ...request.session.cart, [product.id]: request.body.quantity });
      const cart = await priceCart(products, request);
      // A cart no checkout could place is refused now (the error leaves the session as it was); checkout checks
      // again at the prices of that moment.
      if (cart.totalCents > ORDER_TOTAL_MAX_CENTS) throw new OrderTotalTooLargeError();
      return cart;
    },
  );

  app.delete(
    '/api/cart/items/:productId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Remove one product from the cart',
        params: CartItemParamsSchema,
        response: { 200: CartSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const cart = request.session.cart;
      if (cart && request.params.productId in cart) {
        const { [request.params.productId]: _removed, ...rest } = cart;
        touchCart(request, rest);
      }
      return priceCart(products, request);
    },
  );
};

export default cartRoutes;
