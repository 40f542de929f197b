// Writes web/public/assets/products/<sku>.svg for every product of the seed catalog (prisma/catalog.ts);
// Vite copies them to web/dist/assets/products/. Files are replaced atomically and only when they change,
// so two builds running at once never see half a file, and images of products no longer sold are removed.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalog } from '../../prisma/catalog.js';
import { imageFileName, productSvg } from './product-images.js';

export const PRODUCT_IMAGE_DIR = fileURLToPath(new URL('../public/assets/products/', import.meta.url));

export async function generateProductImages(dir = PRODUCT_IMAGE_DIR): Promise<{ written: number; total: number }> {
  await mkdir(dir, { recursive: true });
  const wanted = new Map(catalog.map((p) => [imageFileName(p.sku), productSvg(p)]));
  let written = 0;
  for (const [file, svg] of wanted) {
    const target = join(dir, file);
    const existing = await readFile(target, 'utf8').catch(() => null);
    if (existing === svg) continue;
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, svg);
    await rename(temp, target);
    written++;
  }
  for (const file of await readdir(dir)) {
    if (file.endsWith('.svg') && !wanted.has(file)) await rm(join(dir, file), { force: true });
  }
  return { written, total: wanted.size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { written, total } = await generateProductImages();
  console.log(`product images: ${total} in web/public/assets/products (${written} changed)`);
}
