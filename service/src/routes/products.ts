// Catalog routes. Reads are public and work without Redis (cache-aside falls back to the database);
// writes are admin-only and live in the session scope (see app.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Cached } from '../cache.js';
import { NotFoundError } from '../errors.js';
import { SHARED_CACHE_CONTROL } from '../http-caching.js';
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
 * Sends a cache entry's JSON text as it is (no parse, no re-serialise: it was produced by JSON.stringify of the
 * schema's shape, or by PostgreSQL in that shape). Fastify does not re-serialise a string.
 */
function sendCached(reply: FastifyReply, found: Cached<unknown>) {
  reply
    .header('x-cache', found.hit ? 'hit' : 'miss')
    .header('cache-control', SHARED_CACHE_CONTROL)
    .type('application/json; charset=utf-8')
    .send(found.json);
}

/**
 * Answers with a cached read. An L1 hit is sent synchronously: the handler is a plain function returning nothing,
 * so the warmest path of the service makes no promise at all. Otherwise Fastify gets the promise of the read
 * (its rejection becomes the error response).
 */
function answer(
  reply: FastifyReply,
  found: Cached<unknown> | undefined | Promise<Cached<unknown> | undefined>,
  notFound?: string,
): Promise<void> | undefined {
  if (found instanceof Promise) return found.then((loaded) => answer(reply, loaded, notFound));
  if (!found) throw new NotFoundError(notFound ?? 'Not found');
  sendCached(reply, found);
  return undefined;
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
    (request, reply) => answer(reply, products.listProducts(request.query.limit, request.query.cursor)),
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
    (request, reply) => answer(reply, products.getProduct(request.params.id), 'Product not found'),
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
