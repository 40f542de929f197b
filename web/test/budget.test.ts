// The production build stays within the JavaScript budget and asks for nothing from another host.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKiB, JS_BUDGET_BYTES, jsBudget, measureJs } from '../build/budget.js';
import { buildWeb } from '../build/build-web.js';

let out: string;

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

beforeAll(async () => {
  out = await buildWeb(mkdtempSync(join(tmpdir(), 'edgecart-web-')));
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('storefront build', () => {
  it(`ships at most ${JS_BUDGET_BYTES / 1024} KiB of gzipped JavaScript`, () => {
    const js = files(out).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const report = measureJs(js.map((name) => ({ name, code: readFileSync(join(out, name)) })));
    console.info(`storefront JavaScript: ${formatKiB(report.totalGzipBytes)} gzipped`);
    expect(report.totalGzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
  });

  it('fails the build when a bundle is over budget', () => {
    const plugin = jsBudget(1024);
    // Random text does not compress: well over the 1 KiB limit.
    const errors: string[] = [];
    const ctx = {
      error: (message: string) => {
        errors.push(message);
        throw new Error(message);
      },
      info: () => undefined,
    };
    const bundle = {
      'assets/big.js': { type: 'chunk', fileName: 'assets/big.js', code: randomBytes(8 * 1024).toString('base64') },
    };
    const hook = plugin.generateBundle as unknown as (this: typeof ctx, o: unknown, b: unknown) => void;
    expect(() => hook.call(ctx, {}, bundle)).toThrow(/over budget/);
    expect(errors[0]).toMatch(/assets\/big\.js/);
  });

  it('references no other host: no absolute URLs in the HTML, scripts or styles', () => {
    for (const name of files(out).filter((f) => /\.(html|js|css)$/.test(f))) {
      const text = readFileSync(join(out, name), 'utf8');
      // The SVG namespace in the inline favicon is an identifier, never fetched.
      const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)]
        .map((m) => m[0])
        .filter((u) => !u.startsWith('http://www.w3.org/'));
      expect(urls, name).toEqual([]);
    }
  });

  it('contains one image per seed product next to the hashed bundle', async () => {
    const { catalog } = await import('../../prisma/catalog.js');
    const images = files(out).filter((f) => f.startsWith('assets/products/'));
    expect(images.sort()).toEqual(catalog.map((p) => `assets/products/${p.sku}.svg`).sort());
    expect(files(out)).toContain('index.html');
    expect(files(out)).toContain('.vite/manifest.json');
  });
});
