// Orders: login required. Checkout is one statement on the writer (repositories/checkout.ts). The history and an
// order by id are read from the reader; the session remembers the order it placed last, and a read that does
// not find it there is repeated on the consistent path (repositories/orders.ts), so the order just placed is
// there on the very next request, on any instance, however far the replica lags.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { badRequest } from '../errors.js';
import { errorResponses, IdParamsSchema } from '../schemas/common.js';
import { CheckoutHeadersSchema, OrderListSchema, OrderSchema } from '../schemas/orders.js';
import { currentUser, requireUser } from './guards.js';

const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { orders, purchaseLimits } = app.deps;

  app.post(
    '/api/orders',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'Place an order from the cart (Idempotency-Key makes retries safe)',
        headers: CheckoutHeadersSchema,
        response: { 201: OrderSchema, 200: OrderSchema, ...errorResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const cart = request.session.cart ?? {};
      // Without a client key, the cart's own identity and revision are the key: the same cart checked out
      // from two tabs at once (or re-posted after a lost response) makes one order, not two.
      const key =
        request.headers['idempotency-key'] ??
        (request.session.cartId ? `cart:${request.session.cartId}:${request.session.cartRevision ?? 0}` : undefined);
      if (Object.keys(cart).length === 0) {
        // A retry after success finds an empty cart: answer with the order the key already made.
        const existing = key ? await orders.findOrderByKey(user.id, key) : undefined;
        if (existing) return reply.code(200).send(existing);
        throw badRequest('The cart is empty');
      }
      await purchaseLimits.check(user.id, cart, key);
      const { order, created } = await orders.placeOrder(user.id, cart, key);
      if (created) request.session.cart = {};
      request.session.lastOrderId = order.id;
      return reply.code(created ? 201 : 200).send(order);
    },
  );

  app.get(
    '/api/orders',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: "The caller's orders, newest first",
        response: { 200: OrderListSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      return { items: await orders.listOrders(currentUser(request).id, request.session.lastOrderId) };
    },
  );

  app.get(
    '/api/orders/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'One of the caller’s orders',
        params: IdParamsSchema,
        response: { 200: OrderSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return orders.getOrder(currentUser(request).id, request.params.id);
    },
  );
};

export default orderRoutes;
