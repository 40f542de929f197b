// Liveness for the ALB (/health: cheap, touches no dependency) and readiness for operators (/ready).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { checkReadiness } from '../readiness.js';

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: 200 while serving, 503 once shutdown has begun',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), region: Type.String() }),
          503: Type.Object({ status: Type.Literal('draining') }),
        },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      if (app.draining) return reply.code(503).send({ status: 'draining' as const });
      return { status: 'ok' as const, region: app.deps.config.region };
    },
  );

  const Check = Type.Union([Type.Literal('ok'), Type.Literal('fail')]);
  const Ready = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    checks: Type.Object({ database: Check, redis: Check }),
  });
  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: database and Redis reachable (for operators and alarms, not the ALB)',
        response: { 200: Ready, 503: Ready },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      const { ready, checks } = await checkReadiness({
        database: () => app.deps.db.ping(),
        redis: () => app.deps.redis.ping(),
      });
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
}
