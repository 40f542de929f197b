import { describe, expect, it } from 'vitest';
import { isInternalPath } from '../../service/src/plugins/internal-endpoints.js';
import { albPathPatternMatches, INTERNAL_PATH_GROUPS, refusedAtListener } from './internal-paths.js';

describe('ALB path patterns', () => {
  it('match case-sensitively, with * for any run and ? for one character, ignoring the query string', () => {
    expect(albPathPatternMatches('/docs/*', '/docs/json')).toBe(true);
    expect(albPathPatternMatches('/docs/*', '/docs/')).toBe(true);
    expect(albPathPatternMatches('/docs/*', '/docs')).toBe(false);
    expect(albPathPatternMatches('/metrics', '/Metrics')).toBe(false);
    expect(albPathPatternMatches('/metrics', '/metrics?format=json')).toBe(true);
    expect(albPathPatternMatches('/a?c', '/abc')).toBe(true);
    expect(albPathPatternMatches('/a?c', '/ac')).toBe(false);
    expect(albPathPatternMatches('/a.c', '/abc')).toBe(false);
  });

  it('stay within what one rule takes: three values per condition', () => {
    for (const group of INTERNAL_PATH_GROUPS) expect(group.length).toBeLessThanOrEqual(3);
  });

  it('refuse at the listener exactly the paths the service keeps to its internal listener, and not /health', () => {
    for (const path of ['/metrics', '/ready', '/docs', '/docs/json', '/docs/static/index.html']) {
      expect(isInternalPath(path), path).toBe(true);
      expect(refusedAtListener(path), path).toBe(true);
    }
    for (const path of ['/health', '/api/products', '/documentation', '/readyz', '/']) {
      expect(isInternalPath(path), path).toBe(false);
      expect(refusedAtListener(path), path).toBe(false);
    }
  });
});
