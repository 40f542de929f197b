// Orders: login required; every read and write goes to the writer, so a shopper always sees the order
// they just placed (read-your-writes), also in a secondary region through write forwarding.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { findOrderByKey, placeOrder, toOrderView } from '../domain/checkout.js';
import { badRequest, notFound } from '../errors.js';
import { currentUser, requireUser } from './guards.js';
import { errors, IdParams } from './schemas.js';

const Order = Type.Object({
  id: Type.String(),
  status: Type.String(),
  items: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      unitPriceCents: Type.Integer(),
      quantity: Type.Integer(),
    }),
  ),
  totalCents: Type.Integer(),
  currency: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7E]+$', description: 'Printable ASCII' }),
  ),
});

/** History pages are bounded; a shopper with more orders sees the newest ones. */
const HISTORY_LIMIT = 100;

export default async function orderRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const writer = app.deps.db.primary;

  r.post(
    '/api/orders',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'Place an order from the cart (Idempotency-Key makes retries safe)',
        headers: CheckoutHeaders,
        response: { 201: Order, 200: Order, ...errors(400, 401, 409) },
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
        if (key) {
          const existing = await findOrderByKey(writer, user.id, key);
          if (existing) return reply.code(200).send(existing);
        }
        throw badRequest('The cart is empty');
      }
      const { order, created } = await placeOrder(writer, user.id, cart, key);
      if (created) request.session.cart = {};
      return reply.code(created ? 201 : 200).send(order);
    },
  );

  r.get(
    '/api/orders',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: "The caller's orders, newest first",
        response: { 200: Type.Object({ items: Type.Array(Order) }), ...errors(401) },
      },
    },
    async (request) => {
      const orders = await writer.order.findMany({
        where: { userId: currentUser(request).id },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: HISTORY_LIMIT,
        include: { items: true },
      });
      return { items: orders.map(toOrderView) };
    },
  );

  r.get(
    '/api/orders/:id',
    {
      preHandler: requireUser,
      schema: {
        tags: ['orders'],
        summary: 'One of the caller’s orders',
        params: IdParams,
        response: { 200: Order, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const order = await writer.order.findFirst({
        where: { id: request.params.id, userId: currentUser(request).id },
        include: { items: true },
      });
      // Someone else's order is "not found", so ids cannot be probed.
      if (!order) throw notFound('Order not found');
      return toOrderView(order);
    },
  );
}
