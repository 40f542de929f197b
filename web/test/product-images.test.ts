import { describe, expect, it } from 'vitest';
import { catalog } from '../../prisma/catalog.js';
import { escapeXml, glyphFor, imageFileName, productSvg, wrap } from '../build/product-images.js';
import { formatMoney } from '../src/format.js';

describe('product images', () => {
  it('draws a distinct, well-formed SVG for every seed product, the same on every build', () => {
    const svgs = catalog.map(productSvg);
    expect(new Set(svgs).size).toBe(catalog.length);
    expect(catalog.map(productSvg)).toEqual(svgs);
    for (const svg of svgs) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      // No external references: no href, no url() but the local gradient.
      expect(svg).not.toMatch(/href=|url\((?!#)/);
    }
  });

  it('escapes names so markup in a product name cannot break or script the SVG', () => {
    const svg = productSvg({ sku: 'X-1', name: 'Tom & Jerry <script>"', category: 'Toys' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('Tom &#38; Jerry &#60;script&#62;&#34;');
    expect(escapeXml(`a'b`)).toBe('a&#39;b');
  });

  it('wraps long names to two lines and marks a cut', () => {
    expect(wrap('Darjeeling First Flush Tea, 250 g', 28, 2)).toEqual(['Darjeeling First Flush Tea,', '250 g']);
    const lines = wrap('A very long product name that keeps going well past two lines of text', 20, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
  });

  it('picks a glyph by category and a safe file name by SKU', () => {
    expect(glyphFor('Tea & Coffee')).not.toBe(glyphFor('Textiles'));
    expect(imageFileName('TEA-001')).toBe('TEA-001.svg');
    expect(() => imageFileName('../etc/passwd')).toThrow();
  });
});

describe('money', () => {
  it('formats integer minor units with the currency’s own number of decimals', () => {
    expect(formatMoney(89_900, 'INR')).toMatch(/899\.00/);
    expect(formatMoney(1_999, 'GBP')).toMatch(/£19\.99/);
    expect(formatMoney(500, 'JPY')).toMatch(/500$/);
    expect(formatMoney(500, 'JPY')).not.toMatch(/5\.00/);
  });
});
