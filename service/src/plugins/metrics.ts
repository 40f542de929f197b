// Prometheus metrics at /metrics: request duration histogram by route and status (fastify-metrics), the
// process and event-loop metrics of prom-client, and the service's own counters (metrics.ts). All carry
// the region label so dashboards split Mumbai from London.
import type { FastifyInstance } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import fp from 'fastify-plugin';

async function metricsPlugin(app: FastifyInstance) {
  const { registry } = app.deps.metrics;
  await app.register(fastifyMetrics as unknown as Parameters<FastifyInstance['register']>[0], {
    // Served below from our own registry: the plugin's endpoint merges registries and drops default labels.
    endpoint: null,
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      groupStatusCodes: false,
      routeBlacklist: ['/metrics', '/health'],
      overrides: {
        // fastify-metrics creates the summary even when it is disabled; keep it out of the global registry.
        summary: { registers: [registry] },
        histogram: {
          registers: [registry],
          // Buckets around the latency goals: most API answers well under 50 ms, the SLO at 300 ms.
          buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        },
      },
    },
  });
  app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

export default fp(metricsPlugin, { name: 'edgecart-metrics' });
