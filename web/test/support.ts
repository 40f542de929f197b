// The real service for browser tests, set up like every service test (service/test/helpers): a database of
// its own cloned from the migrated template, its own Redis key prefix; plus the demo catalog (prisma/seed.ts)
// and the built storefront (served by the app exactly as app.ts builds it), listening on an ephemeral port of
// 127.0.0.1 so a real browser can reach it.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { seed } from '../../prisma/seed.js';
import { buildApp } from '../../service/src/app.js';
import { clearRedisPrefix, testConfig } from '../../service/test/helpers/app.js';
import { createTestDatabase } from '../../service/test/helpers/database.js';

export interface RunningShop {
  app: FastifyInstance;
  baseUrl: string;
  region: string;
  close(): Promise<void>;
}

export async function startShop(region = 'e2e-local'): Promise<RunningShop> {
  const db = await createTestDatabase();
  const prefix = `edgecart-test:${randomBytes(5).toString('hex')}:`;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await clearRedisPrefix(prefix);
    await db.drop();
  };
  try {
    await seed({ databaseUrl: db.url, assetsBaseUrl: '/assets' });
    app = await buildApp(testConfig(db, prefix, { REGION: region }), { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, region, close };
}
