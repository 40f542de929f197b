// The Grafana dashboard must only ask for what the service exports: the service app is started in-process
// against a fresh database and Redis prefix, given traffic on every kind of route, and its real /metrics is the
// reference for every metric name and label that a panel or variable queries.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { seedCatalog } from '../../bench/database.js';
import { createTestContext, type TestContext } from '../../service/test/helpers/app.js';
import { type Dashboard, dashboardQueries } from './dashboard-queries.js';
import { type Exported, parseExposition } from './exposition.js';

const here = (path: string) => new URL(path, import.meta.url);
const dashboard = JSON.parse(readFileSync(here('dashboards/edgecart.json'), 'utf8')) as Dashboard & {
  templating: { list: Array<{ name: string }> };
};
const queries = dashboardQueries(dashboard);

let ctx: TestContext;
let exported: Exported;

beforeAll(async () => {
  ctx = await createTestContext();
  const { app } = ctx;
  const [id] = await seedCatalog(ctx.db.pool, 30);
  // Traffic of every kind the dashboard plots: cache miss then hit, a 404, a 400, a session route.
  for (const url of ['/api/products?limit=5', '/api/products?limit=5', `/api/products/${id}`, `/api/products/${id}`]) {
    expect((await app.inject({ url })).statusCode).toBe(200);
  }
  expect((await app.inject({ url: '/api/products/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  expect((await app.inject({ url: '/api/products?limit=1000' })).statusCode).toBe(400);
  expect((await app.inject({ url: '/api/cart' })).statusCode).toBe(200);
  const metrics = await app.inject({ url: '/metrics' });
  expect(metrics.statusCode).toBe(200);
  exported = parseExposition(metrics.body);
});

afterAll(async () => {
  await ctx?.close();
});

describe('Grafana dashboard against the live /metrics', () => {
  it('has queries to check, and every one is valid PromQL', () => {
    expect(queries.length).toBeGreaterThan(15);
    for (const q of queries) expect(q.syntaxErrors, `${q.where}: ${q.expr}`).toEqual([]);
  });

  it('queries only metrics the service exports', () => {
    const missing = queries.flatMap((q) =>
      q.selectors.filter((s) => !exported.has(s.metric)).map((s) => `${q.where}: ${s.metric || '(no name)'}`),
    );
    expect(missing).toEqual([]);
  });

  it('filters and groups only by labels those metrics carry', () => {
    const problems: string[] = [];
    for (const q of queries) {
      const carried = new Set(q.selectors.flatMap((s) => [...(exported.get(s.metric) ?? [])]));
      for (const s of q.selectors) {
        for (const label of s.labels) {
          if (!exported.get(s.metric)?.has(label)) problems.push(`${q.where}: ${s.metric} has no label ${label}`);
        }
      }
      for (const label of q.groupingLabels) {
        if (label !== 'le' && !carried.has(label)) problems.push(`${q.where}: groups by missing label ${label}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets every panel be narrowed to a region', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'region']));
    for (const q of queries.filter((q) => q.where.startsWith('panel'))) {
      for (const s of q.selectors) expect(s.labels, `${q.where}: ${s.metric}`).toContain('region');
    }
  });

  it('answers the operator questions of issue #5', () => {
    const uses = (metric: string, fragment = '') =>
      queries.some((q) => q.selectors.some((s) => s.metric === metric) && q.expr.includes(fragment));
    expect(uses('http_request_duration_seconds_count', 'rate(')).toBe(true); // request rate
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(uses('http_request_duration_seconds_bucket', `histogram_quantile(${quantile}`)).toBe(true);
    }
    expect(queries.some((q) => q.groupingLabels.includes('route') && q.expr.includes('histogram_quantile'))).toBe(true);
    expect(uses('http_request_duration_seconds_count', 'status_code=~"5..')).toBe(true); // error rate
    expect(uses('edgecart_cache_requests_total', 'result="hit"')).toBe(true); // hit ratio
    expect(uses('edgecart_db_pool_connections', 'state="idle"')).toBe(true); // pool usage
    expect(uses('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(queries.some((q) => q.groupingLabels.includes('region'))).toBe(true);
  });
});

describe('Grafana provisioning', () => {
  it('provisions the Prometheus data source the dashboard selects and loads the dashboards folder', () => {
    const datasources = parseYaml(readFileSync(here('provisioning/datasources/prometheus.yaml'), 'utf8')) as {
      datasources: Array<{ type: string; uid: string; url: string }>;
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus' })]);
    const providers = parseYaml(readFileSync(here('provisioning/dashboards/edgecart.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers[0]).toMatchObject({ type: 'file' });
    // The README's docker run mounts dashboards/ exactly where the provider reads.
    expect(readFileSync(here('README.md'), 'utf8')).toContain(`:${providers.providers[0]!.options.path}:ro`);
  });

  it('is a well-formed dashboard: unique uid, unique panel ids, panels inside the 24-column grid', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const panels = dashboard.panels as Array<{ id: number; gridPos: { x: number; w: number; h: number } }>;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });
});
