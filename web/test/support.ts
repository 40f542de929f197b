// The real service for browser tests: its own database (migrated and seeded with the demo catalog) and its
// own Redis key prefix, listening on an ephemeral port of 127.0.0.1, with the built storefront.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import { applyMigrations, dropDatabase, ensureDatabase } from '../../prisma/migrate.js';
import { seed } from '../../prisma/seed.js';
import { buildApp } from '../../service/src/app.js';
import { loadConfig } from '../../service/src/config.js';
import storefront from '../../service/src/plugins/storefront.js';

export interface RunningShop {
  app: FastifyInstance;
  baseUrl: string;
  region: string;
  close(): Promise<void>;
}

const PG = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function startShop(name: string, region = 'e2e-local'): Promise<RunningShop> {
  const id = `${name}_${process.pid}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const databaseUrl = `${PG}/edgecart_test_${id}`;
  const redisKeyPrefix = `test:${id}:`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  await seed({ databaseUrl, assetsBaseUrl: '/assets' });

  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    REGION: region,
    LOG_LEVEL: 'silent',
    // One browser signs up and signs in several times a minute from one IP.
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
  });
  const app = await buildApp(config, { logger: false });
  // TEMPORARY until service/src/app.ts registers the storefront plugin.
  if (!app.hasPlugin('edgecart-storefront')) await app.register(storefront);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    region,
    async close() {
      await app.close();
      await dropDatabase(databaseUrl);
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      try {
        for await (const keys of redis.scanIterator({ MATCH: `${redisKeyPrefix}*`, COUNT: 500 })) {
          if (keys.length) await redis.unlink(keys);
        }
      } finally {
        await redis.close();
      }
    },
  };
}
