// The ceiling: a bare Fastify app on the same Node, flags, host and logger level as the service, run as a child
// process by the bench exactly like the service. Whatever the service adds costs throughput relative to this.
import Fastify, { LogController } from 'fastify';

// Request logging as the service does it by default (LOG_REQUESTS=errors: no line for a successful request),
// so the ceiling does not pay for log lines the service does not write.
const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  logController: new LogController({ disableRequestLogging: true }),
});
app.get('/health', async () => ({ status: 'ok' }));
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
