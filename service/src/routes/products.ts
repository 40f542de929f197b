// Catalog routes. Reads are public and work without Redis (cache-aside falls back to the database);
// writes are admin-only and live in the session scope (see app.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../errors.js';
import { errorResponses, IdParamsSchema } from '../schemas/common.js';
import {
  CreateProductSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  ProductSchema,
  UpdateProductSchema,
} from '../schemas/products.js';
import { requireAdmin } from './guards.js';

/**
 * Sends already-serialised JSON (a cache entry) as it is. Fastify does not re-serialise a string; the text was
 * produced by JSON.stringify of the same Product shape the schema describes.
 */
function sendJson(reply: FastifyReply, json: string, hit: boolean) {
  return reply
    .header('x-cache', hit ? 'hit' : 'miss')
    .type('application/json; charset=utf-8')
    .send(json);
}

export const publicProductRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { products } = app.deps;

  app.get(
    '/api/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List products (keyset pagination, cached)',
        querystring: ProductListQuerySchema,
        response: { 200: ProductPageSchema, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const page = await products.listProducts(request.query.limit, request.query.cursor);
      // The cached JSON text goes out as it is: no parse and re-serialise on the hot path.
      return sendJson(reply, page.json, page.hit);
    },
  );

  app.get(
    '/api/products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One product (cached)',
        params: IdParamsSchema,
        response: { 200: ProductSchema, ...errorResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const product = await products.getProduct(request.params.id);
      if (!product) throw new NotFoundError('Product not found');
      return sendJson(reply, product.json, product.hit);
    },
  );
};

export const adminProductRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { products } = app.deps;

  app.post(
    '/api/products',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'Create a product (admin)',
        body: CreateProductSchema,
        response: { 201: ProductSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await products.createProduct(request.body)),
  );

  app.patch(
    '/api/products/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'Change a product (admin); its cached views are invalidated at once',
        params: IdParamsSchema,
        body: UpdateProductSchema,
        response: { 200: ProductSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => products.updateProduct(request.params.id, request.body),
  );
};
