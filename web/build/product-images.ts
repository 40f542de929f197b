// Product pictures for the seed catalog, drawn by the project (no downloads, no stock photos): one SVG per
// product, its colours from the category and its pattern from the SKU, so every product looks different and
// the same product always looks the same.

export interface CatalogEntry {
  sku: string;
  name: string;
  category: string;
}

export const IMAGE_WIDTH = 400;
export const IMAGE_HEIGHT = 300;

/** FNV-1a: a small stable hash, so images do not change between builds. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Simple line-art glyphs (24×24 grid, stroked) picked by words in the category. */
const GLYPHS: Array<{ words: RegExp; path: string }> = [
  {
    words: /tea|coffee|drink|beverage|cup/i,
    path: 'M4 8h12v6a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5zM16 10h2a2 2 0 0 1 0 4h-2M7 2v3M11 2v3',
  },
  { words: /snack|sweet|candy|confection/i, path: 'M7 12a5 5 0 1 0 10 0 5 5 0 1 0-10 0M7 12l-4-3v6zM17 12l4-3v6z' },
  { words: /spice|food|grocer|pantry/i, path: 'M3 11h18a9 7 0 0 1-18 0zM8 7c0-2 2-2 2-4M14 7c0-2 2-2 2-4' },
  {
    words: /cloth|apparel|fashion|textile|wear|shirt|saree|scarf/i,
    path: 'M8 3l-5 3 2 4 3-1v12h8V9l3 1 2-4-5-3a4 4 0 0 1-8 0z',
  },
  {
    words: /book|stationery|paper|print/i,
    path: 'M4 4h6a2 2 0 0 1 2 2v14a2 2 0 0 0-2-2H4zM20 4h-6a2 2 0 0 0-2 2v14a2 2 0 0 1 2-2h6z',
  },
  { words: /electr|gadget|audio|tech|phone|computer/i, path: 'M7 2h10v20H7zM11 18h2' },
  { words: /kitchen|cook|pan|utensil/i, path: 'M4 10h16v5a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5zM2 10h20M9 7c0-2 6-2 6 0' },
  {
    words: /wellness|beauty|care|soap|cosmetic|bath|ayur/i,
    path: 'M9 2h6v4H9zM7 8h10v12a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2z',
  },
  { words: /jewel|gem|gold|silver|accessor/i, path: 'M6 3h12l4 6-10 12L2 9zM2 9h20M9 3l3 18M15 3l-3 18' },
  { words: /home|decor|craft|pottery|living/i, path: 'M3 11l9-8 9 8M5 10v10h14V10M10 20v-6h4v6' },
  { words: /toy|game|kid|play/i, path: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 3v18M3 12h18' },
  {
    words: /sport|outdoor|fitness/i,
    path: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM5 6c4 3 10 3 14 0M5 18c4-3 10-3 14 0',
  },
];
const DEFAULT_GLYPH = 'M5 8h14l-1 13H6zM9 8V6a3 3 0 0 1 6 0v2';

export function glyphFor(category: string): string {
  return GLYPHS.find((g) => g.words.test(category))?.path ?? DEFAULT_GLYPH;
}

/** Splits a name into at most `maxLines` lines of at most `width` characters, ending with … when cut. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let i = 0;
  while (i < words.length && lines.length < maxLines) {
    let line = words[i++]!;
    while (i < words.length && `${line} ${words[i]}`.length <= width) line += ` ${words[i++]}`;
    lines.push(line.length > width ? `${line.slice(0, width - 1)}…` : line);
  }
  const last = lines.length - 1;
  if (i < words.length && last >= 0 && !lines[last]!.endsWith('…')) {
    lines[last] = `${lines[last]!.slice(0, width - 1)}…`;
  }
  return lines;
}

export function productSvg(entry: CatalogEntry): string {
  const categoryHue = hash(entry.category.toLowerCase()) % 360;
  const skuHash = hash(entry.sku);
  const hue2 = (categoryHue + 25 + (skuHash % 40)) % 360;
  // Dark enough that white text on the band has AA contrast whatever the hue.
  const top = `hsl(${categoryHue} 55% 38%)`;
  const bottom = `hsl(${hue2} 60% 24%)`;
  const circles = Array.from({ length: 5 }, (_, i) => {
    const h = hash(`${entry.sku}:${i}`);
    const cx = h % IMAGE_WIDTH;
    const cy = (h >>> 9) % 200;
    const r = 20 + ((h >>> 17) % 70);
    return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" fill-opacity="${(0.05 + (i % 3) * 0.03).toFixed(2)}"/>`;
  }).join('');
  const lines = wrap(entry.name, 28, 2);
  const firstY = lines.length === 1 ? 262 : 250;
  const text = lines.map((l, i) => `<text x="24" y="${firstY + i * 26}">${escapeXml(l)}</text>`).join('');
  const id = `g${skuHash.toString(36)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" viewBox="0 0 ${IMAGE_WIDTH} ${IMAGE_HEIGHT}" role="img" aria-label="${escapeXml(entry.name)}">`,
    `<defs><linearGradient id="${id}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>`,
    `<rect width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" fill="url(#${id})"/>`,
    circles,
    `<g transform="translate(152 34) scale(4)" fill="none" stroke="#fff" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"><path d="${glyphFor(entry.category)}"/></g>`,
    `<rect y="${lines.length === 1 ? 226 : 214}" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" fill="#000" fill-opacity="0.45"/>`,
    `<g fill="#fff" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif" font-size="21" font-weight="700">${text}</g>`,
    `<text x="376" y="${IMAGE_HEIGHT - 10}" text-anchor="end" fill="#fff" fill-opacity="0.8" font-family="ui-monospace,monospace" font-size="11">${escapeXml(entry.sku)}</text>`,
    '</svg>',
    '',
  ].join('');
}

/** The file name of a product's image; matches imageUrl `${ASSETS_BASE_URL}/products/<sku>.svg`. */
export function imageFileName(sku: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(sku)) throw new Error(`SKU "${sku}" cannot be a file name`);
  return `${sku}.svg`;
}
