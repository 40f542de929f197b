// OpenAPI generated from the TypeBox route schemas (one source for validation, types and docs), served
// as JSON at /docs/json and browsable at /docs.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function swaggerPlugin(app: FastifyInstance) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'edgecart API',
        description: 'The e-commerce service behind CloudFront. Money is in integer minor units (priceCents).',
        version: '1.0.0',
      },
      tags: [{ name: 'catalog' }, { name: 'auth' }, { name: 'cart' }, { name: 'orders' }, { name: 'health' }],
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });
}

export default fp(swaggerPlugin, { name: 'edgecart-swagger' });
