// The real app publishes its readiness for the region's health alarm: 1 when the database (through the path the
// app uses) and Redis answer, 0 when the database does not. A fake publisher stands in for CloudWatch.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { ReadinessDatum } from '../src/plugins/readiness-metric.js';
import { clearRedisPrefix, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let app: FastifyInstance | undefined;
let db: TestDatabase | undefined;
const prefix = `edgecart-test:${randomBytes(5).toString('hex')}:`;

afterEach(async () => {
  await app?.close();
  await db?.drop();
  await clearRedisPrefix(prefix);
  app = undefined;
  db = undefined;
});

async function publishedBy(env: Record<string, string>): Promise<ReadinessDatum[]> {
  db = await createTestDatabase();
  const published: ReadinessDatum[] = [];
  let resolveFirst!: () => void;
  const first = new Promise<void>((resolve) => {
    resolveFirst = resolve;
  });
  app = await buildApp(testConfig(db, prefix, { READINESS_METRIC_INTERVAL_MS: '60000', ...env }), {
    logger: false,
    readinessPublisher: {
      publish: async (datum) => {
        published.push(datum);
        resolveFirst();
      },
    },
  });
  await app.ready();
  await first;
  return published;
}

describe('readiness metric of the service', () => {
  it('publishes 1 as soon as the instance is ready', async () => {
    expect((await publishedBy({})).map((d) => d.value)).toEqual([1]);
  });

  it('publishes 0 when the database path is cut', async () => {
    // Port 1 on loopback: connection refused at once, like a cut path that fails fast.
    const published = await publishedBy({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/edgecart' });
    expect(published.map((d) => d.value)).toEqual([0]);
  });

  it('publishes nothing when no namespace and no publisher are configured', async () => {
    db = await createTestDatabase();
    app = await buildApp(testConfig(db, prefix), { logger: false });
    await app.ready();
    expect(app.hasPlugin('edgecart-readiness-metric')).toBe(false);
  });
});
