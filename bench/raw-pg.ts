// The database-path ceiling: a bare Fastify app with node-postgres running the same keyset query as the
// service's cache-off list page (`GET /api/products?limit=N[&cursor=id]`, N + 1 rows to know whether a next page
// exists), with the service's pool size and the hello-world's logger settings. No cache, no Prisma, no
// validation beyond parsing the two parameters, no session, no rate limit: what the service's database path is
// measured against.
import Fastify, { LogController } from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});
const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  logController: new LogController({ disableRequestLogging: true }),
});

interface Row {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  image_url: string | null;
}

app.get('/health', async () => ({ status: 'ok' }));
app.get<{ Querystring: { limit?: string; cursor?: string } }>('/api/products', async (request) => {
  const limit = Math.min(100, Math.max(1, Number(request.query.limit ?? 20)));
  const cursor = request.query.cursor ?? null;
  const { rows } = await pool.query<Row>({
    name: 'products-page',
    text: `SELECT id, sku, name, description, price_cents, currency, stock, image_url FROM products
            WHERE id > COALESCE($1::uuid, '00000000-0000-0000-0000-000000000000'::uuid) ORDER BY id LIMIT $2`,
    values: [cursor, limit + 1],
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      sku: r.sku,
      name: r.name,
      description: r.description,
      priceCents: r.price_cents,
      currency: r.currency,
      stock: r.stock,
      imageUrl: r.image_url,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
