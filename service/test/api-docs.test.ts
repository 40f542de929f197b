// docs/api.md and the service agree: every route of the OpenAPI document (generated from the route schemas)
// is documented, and every route the document names is either in the OpenAPI document or really served.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/app.js';

const API_DOC = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `METHOD /path` in the first column of a table row, e.g. "| `GET /api/products/{id}` | ...". */
function documentedRoutes(markdown: string): string[] {
  const routes: string[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`\s*\|/.exec(line);
    if (match) routes.push(`${match[1]} ${match[2]}`);
  }
  return routes;
}

let ctx: TestContext;
let openApiRoutes: string[];

beforeAll(async () => {
  ctx = await createTestContext();
  const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  openApiRoutes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    METHODS.filter((m) => m in operations).map((m) => `${m.toUpperCase()} ${path}`),
  );
});
afterAll(() => ctx?.close());

describe('docs/api.md', () => {
  it('finds the route tables (the parser still matches the document)', () => {
    expect(documentedRoutes(API_DOC).length).toBeGreaterThan(10);
  });

  it('documents every route of the OpenAPI document', () => {
    const documented = new Set(documentedRoutes(API_DOC));
    expect(openApiRoutes.length).toBeGreaterThan(10);
    expect(openApiRoutes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('names no route the service does not have', async () => {
    const inOpenApi = new Set(openApiRoutes);
    const unknown: string[] = [];
    for (const route of documentedRoutes(API_DOC)) {
      if (inOpenApi.has(route)) continue;
      // Outside the OpenAPI document (health, metrics, docs, the storefront page): it must be served.
      const [method, path] = route.split(' ') as [string, string];
      const response = await ctx.app.inject({ method: method as 'GET', url: path });
      if (response.statusCode === 404) unknown.push(route);
    }
    expect(unknown).toEqual([]);
  });

  it('names each route once', () => {
    const routes = documentedRoutes(API_DOC);
    expect(routes.filter((r, i) => routes.indexOf(r) !== i)).toEqual([]);
  });
});
