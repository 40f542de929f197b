// `npm run demo`: creates the database if needed, applies migrations, seeds, then starts the service
// against the local PostgreSQL and Redis. Every setting of API.md's environment list is honoured, e.g.
// `PORT=4000 DATABASE_URL=postgresql://... npm run demo`.
import { loadConfigOrExit } from '../service/src/config.js';
import { applyMigrations, ensureDatabase } from '../prisma/migrate.js';
import { DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, seed } from '../prisma/seed.js';
import { ensureWebBuild } from '../web/build/build-web.js';

const config = loadConfigOrExit();

try {
  if (await ensureDatabase(config.databaseUrl))
    console.log(`Created database ${new URL(config.databaseUrl).pathname.slice(1)}`);
  const applied = await applyMigrations(config.databaseUrl);
  console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');
  const seeded = await seed({
    databaseUrl: config.databaseUrl,
    adminEmail: process.env.ADMIN_EMAIL,
    adminPassword: process.env.ADMIN_PASSWORD,
    assetsBaseUrl: config.assetsBaseUrl,
  });
  console.log(`Seeded ${seeded.products} new products; admin ${seeded.adminEmail}`);
} catch (err) {
  console.error(
    `Could not prepare the database at ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}: ${(err as Error).message}`,
  );
  console.error('Is PostgreSQL running? (docker compose up -d starts one; see README)');
  process.exit(1);
}

// The storefront is built once (and again only when its sources change), then served at `/`.
try {
  await ensureWebBuild();
} catch (err) {
  console.error(`Storefront build failed (${(err as Error).message}); serving the API only`);
}

const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
// Operators' endpoints live on the internal listener (INTERNAL_PORT), not on the shop's port (issue #23).
const internal = `http://${shown}:${config.internalPort || config.port}`;
console.log(`
  Shop:     http://${shown}:${config.port}/
  API:      http://${shown}:${config.port}/api/products
  OpenAPI:  ${internal}/docs
  Health:   ${internal}/health   Ready: ${internal}/ready
  Metrics:  ${internal}/metrics
  Admin:    ${process.env.ADMIN_EMAIL ?? DEMO_ADMIN_EMAIL} / ${process.env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : DEMO_ADMIN_PASSWORD}
`);
await import('../service/src/server.js');
