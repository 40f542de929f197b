// Builds the storefront into web/dist: hashed JS/CSS under assets/, the generated product images copied from
// public/assets/products/, and a manifest (.vite/manifest.json) that tells the server and the Pulumi upload
// which files are content-hashed and may be cached forever.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { JS_BUDGET_BYTES, jsBudget } from './build/budget.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    manifest: true,
    target: 'es2022',
    // Every browser that runs ES2022 modules supports modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
  plugins: [jsBudget(JS_BUDGET_BYTES)],
  server: {
    // `vite` dev server: the API runs on :3000 (`npm run demo`); same-origin paths keep cookies working.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
