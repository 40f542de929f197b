// Catalog routes. Reads are public and work without Redis (cache-aside falls back to the database);
// writes are admin-only and live in the session scope (see app.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { toProduct } from '../domain/catalog.js';
import { conflict, notFound } from '../errors.js';
import { Prisma as PrismaNS } from '../generated/prisma/client.js';
import { requireAdmin } from './guards.js';
import { errors, IdParams, Product, Uuid } from './schemas.js';

const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

const ProductPage = Type.Object({
  items: Type.Array(Product),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Letters, digits, - and _' });
const name = Type.String({ minLength: 1, maxLength: 200 });
const description = Type.String({ maxLength: 4000 });
const priceCents = Type.Integer({ minimum: 0, maximum: 100_000_000 });
const currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. INR or GBP' });
const stock = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const imageUrl = Type.Union([
  Type.String({ maxLength: 2048, pattern: '^(https://|/)[^\\s]+$', description: 'https:// URL or a path on this site' }),
  Type.Null(),
]);

const CreateProduct = Type.Object(
  {
    sku,
    name,
    description: Type.Optional(description),
    priceCents,
    currency: Type.Optional(currency),
    stock: Type.Optional(stock),
    imageUrl: Type.Optional(imageUrl),
  },
  { additionalProperties: false },
);

const UpdateProduct = Type.Object(
  {
    sku: Type.Optional(sku),
    name: Type.Optional(name),
    description: Type.Optional(description),
    priceCents: Type.Optional(priceCents),
    currency: Type.Optional(currency),
    stock: Type.Optional(stock),
    imageUrl: Type.Optional(imageUrl),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * Sends already-serialised JSON (a cache entry) as it is. Fastify does not re-serialise a string; the text was
 * produced by JSON.stringify of the same Product shape the schema describes.
 */
function sendJson(reply: FastifyReply, json: string, hit: boolean) {
  return reply.header('x-cache', hit ? 'hit' : 'miss').type('application/json; charset=utf-8').send(json);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof PrismaNS.PrismaClientKnownRequestError && err.code === 'P2002';
}

export async function publicProductRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { catalog } = app.deps;

  r.get(
    '/api/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List products (keyset pagination, cached)',
        querystring: ListQuery,
        response: { 200: ProductPage, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const page = await catalog.listProducts(request.query.limit, request.query.cursor);
      // The cached JSON text goes out as it is: no parse and re-serialise on the hot path.
      return sendJson(reply, page.json, page.hit);
    },
  );

  r.get(
    '/api/products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One product (cached)',
        params: IdParams,
        response: { 200: Product, ...errors(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const product = await catalog.getProduct(request.params.id);
      if (!product) throw notFound('Product not found');
      return sendJson(reply, product.json, product.hit);
    },
  );
}

export async function adminProductRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db, catalog } = app.deps;

  r.post(
    '/api/products',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'Create a product (admin)',
        body: CreateProduct,
        response: { 201: Product, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      try {
        const row = await db.primary.product.create({ data: request.body });
        await catalog.invalidateProduct(row.id);
        return reply.code(201).send(toProduct(row));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A product with sku ${request.body.sku} already exists`);
        throw err;
      }
    },
  );

  r.patch(
    '/api/products/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'Change a product (admin); its cached views are invalidated at once',
        params: IdParams,
        body: UpdateProduct,
        response: { 200: Product, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      try {
        const row = await db.primary.product.update({ where: { id: request.params.id }, data: request.body });
        await catalog.invalidateProduct(row.id);
        return toProduct(row);
      } catch (err) {
        if (err instanceof PrismaNS.PrismaClientKnownRequestError && err.code === 'P2025') {
          throw notFound('Product not found');
        }
        if (isUniqueViolation(err)) throw conflict(`A product with sku ${request.body.sku} already exists`);
        throw err;
      }
    },
  );
}
