// A request already in flight when the drain starts (SIGTERM: app.draining, then app.close) must still end its
// keep-alive connection. Otherwise Node's server.close() waits for that idle connection until keepAliveTimeout
// (65 s), longer than SHUTDOWN_GRACE_MS, and the instance is killed instead of exiting: what the lab's release
// drill saw when it terminated instances during an instance refresh (issue #21).
import { request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('drain with a keep-alive request in flight', () => {
  it('answers it with Connection: close, and the server then closes', async () => {
    // The lab's slow build keeps a catalog request in flight long enough for the drain to start under it.
    const config = testConfig(db, `edgecart-test:drain-ka:${process.pid}:`, {
      LAB_FAULT_INJECTION: 'slow-shopper-paths',
      LAB_FAULT_DELAY_MS: '500',
    });
    const app = await buildApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    try {
      const answered = new Promise<{ status?: number; connection?: string; socketClosed: Promise<void> }>(
        (resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/products?limit=1', agent }, (res) => {
            const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
            res.resume();
            res.once('end', () =>
              resolve({ status: res.statusCode, connection: res.headers.connection, socketClosed }),
            );
          });
          req.once('error', reject);
          req.end();
        },
      );
      // The request has reached the slow handler; now the drain begins, as server.ts does on SIGTERM.
      await new Promise((resolve) => setTimeout(resolve, 200));
      app.draining = true;
      const closed = app.close();
      const answer = await answered;
      expect(answer.status).toBe(200);
      expect(answer.connection).toBe('close');
      await answer.socketClosed;
      // Resolves only once no connection is left (before the fix: after the 65 s keep-alive timeout).
      await closed;
    } finally {
      agent.destroy();
      if (app.server.listening) await app.close();
    }
  });
});
