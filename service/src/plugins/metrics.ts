// Prometheus metrics at /metrics: the request duration histogram by route and status, the process and event-loop
// metrics of prom-client, and the service's own counters (metrics.ts). All carry the region label so dashboards
// split Mumbai from London. The plugin also logs the failed and the slow requests (LOG_REQUESTS=errors).
//
// Hand-written on prom-client instead of fastify-metrics, for cost: fastify-metrics starts a prom-client timer per
// request in an onRequest hook (a WeakMap entry, process.hrtime, two closures) and builds and hashes a fresh label
// object in onResponse. On the bench machine that was about a third of the CPU of a cached catalog read
// (docs/benchmarks.md, "What made the catalog faster"). Fastify already times every reply (`reply.elapsedTime`),
// so a synchronous onResponse hook per route reads it and observes into a label child kept per status. Metric
// names, labels and buckets are fastify-metrics' (the Grafana dashboard and its test read them); only registered
// routes are timed, so a scan of random paths cannot create a series per path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram } from 'prom-client';

/** Buckets around the latency goals: most API answers well under 50 ms, the SLO at 300 ms. */
export const REQUEST_DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Not timed: the scrape itself and the load balancer's probe. */
const UNTIMED_ROUTES = new Set(['/metrics', '/health']);
/** Not timed, as fastify-metrics did not: preflights and probes. */
const UNTIMED_METHODS = new Set(['HEAD', 'OPTIONS', 'TRACE', 'CONNECT']);
/** Requests slower than this are logged (with LOG_REQUESTS=errors). */
export const SLOW_REQUEST_MS = 1_000;

type Observer = { observe(seconds: number): void };

async function metricsPlugin(app: FastifyInstance) {
  const { registry } = app.deps.metrics;
  const logFailures = app.deps.config.logRequests === 'errors';
  collectDefaultMetrics({ register: registry });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'request duration in seconds',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: REQUEST_DURATION_BUCKETS,
    registers: [registry],
  });
  // Each route gets its own timing hook (added as the route is registered), which knows its method and path
  // and keeps one label child per status: no per-request lookup of the route (request.routeOptions builds a
  // new object on every read) and no per-request label object.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((m) => !UNTIMED_METHODS.has(m));
    if (methods.length === 0 || UNTIMED_ROUTES.has(route.url)) return;
    const observers = new Map<string, Observer>();
    const timeRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (UNTIMED_METHODS.has(request.method)) return done();
      const key = `${request.method} ${reply.statusCode}`;
      let observer = observers.get(key);
      if (!observer) {
        observer = durations.labels(request.method, route.url, String(reply.statusCode));
        observers.set(key, observer);
      }
      observer.observe(reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), timeRequest];
  });

  // Failed and slow requests, routed or not.
  if (logFailures) {
    app.addHook('onResponse', (request, reply, done) => {
      const ms = reply.elapsedTime;
      if (reply.statusCode >= 500 || ms > SLOW_REQUEST_MS) {
        request.log.warn(
          { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(ms) },
          'request failed or slow',
        );
      }
      done();
    });
  }

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

export default fp(metricsPlugin, { name: 'edgecart-metrics' });
