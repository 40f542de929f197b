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

/** Starts the app with a fake publisher and resolves once `until` holds for what it has published. */
async function publishedBy(
  env: Record<string, string>,
  until: (published: ReadinessDatum[]) => boolean,
): Promise<ReadinessDatum[]> {
  db = await createTestDatabase();
  const published: ReadinessDatum[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => {
    done = resolve;
  });
  app = await buildApp(testConfig(db, prefix, { READINESS_METRIC_INTERVAL_MS: '1000', ...env }), {
    logger: false,
    readinessPublisher: {
      publish: async (datum) => {
        published.push(datum);
        if (until(published)) done();
      },
    },
  });
  await app.ready();
  await enough;
  return published;
}

describe('readiness metric of the service', () => {
  it('publishes 1 while the instance is ready', async () => {
    // On a busy machine the very first check (a new connection) can exceed its 1 s deadline and publish 0;
    // a ready instance publishes 1 within a few intervals.
    const published = await publishedBy({}, (p) => p.some((d) => d.value === 1));
    expect(published.at(-1)!.value).toBe(1);
  });

  it('publishes 0 when the database path is cut', async () => {
    // Port 1 on loopback: connection refused at once, like a cut path that fails fast.
    const published = await publishedBy(
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/edgecart' },
      (p) => p.length >= 3,
    );
    expect(published.map((d) => d.value)).toEqual([0, 0, 0]);
  });

  it('publishes nothing when no namespace and no publisher are configured', async () => {
    db = await createTestDatabase();
    app = await buildApp(testConfig(db, prefix), { logger: false });
    await app.ready();
    expect(app.hasPlugin('edgecart-readiness-metric')).toBe(false);
  });
});
