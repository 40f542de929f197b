// Programmatic `npm run build:web` for tests: product images, then the Vite build (budget check included).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { generateProductImages } from './generate-images.js';

export const WEB_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

export async function buildWeb(outDir = DIST_DIR): Promise<string> {
  await generateProductImages();
  await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
