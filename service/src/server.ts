// Starts the service and owns its shutdown. On SIGTERM/SIGINT: /health turns 503 (the ALB stops sending
// new requests), in-flight requests finish, connections close, then Prisma and Redis close. If that takes
// longer than SHUTDOWN_GRACE_MS the process exits non-zero rather than hang the instance refresh.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfigOrExit } from './config.js';

const config = loadConfigOrExit();

const app = await buildApp(config);

closeWithGrace({ delay: config.shutdownGraceMs + config.drainDelayMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'fatal error, shutting down');
  else app.log.info({ signal }, 'shutting down: draining');
  app.draining = true;
  if (config.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
  await app.close();
  app.log.info('shutdown complete');
});

try {
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ region: config.region }, `edgecart listening on http://${config.host}:${config.port}`);
  if (config.internalPort !== 0) {
    await new Promise<void>((resolve, reject) => {
      app.internalServer.once('error', reject).listen(config.internalPort, config.host, resolve);
    });
    app.log.info(
      `internal endpoints (/metrics, /ready, /docs, /health) on http://${config.host}:${config.internalPort}`,
    );
  }
} catch (err) {
  app.log.error({ err }, 'could not start listening');
  await app.close();
  process.exit(1);
}
