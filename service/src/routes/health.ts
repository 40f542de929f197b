// Liveness for the ALB (/health: cheap, touches no dependency) and readiness for operators (/ready).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkReadiness } from '../readiness.js';
import { DrainingSchema, LiveSchema, ReadinessSchema } from '../schemas/health.js';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: 200 while serving, 503 once shutdown has begun',
        response: { 200: LiveSchema, 503: DrainingSchema },
      },
    },
    async (_request, reply) => {
      if (app.draining) return reply.code(503).send({ status: 'draining' as const });
      return { status: 'ok' as const, region: app.deps.config.region };
    },
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: database and Redis reachable (for operators and alarms, not the ALB)',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_request, reply) => {
      const { ready, checks } = await checkReadiness({
        database: () => app.deps.db.ping(),
        redis: () => app.deps.redis.ping(),
      });
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
};

export default healthRoutes;
