// The storefront's JavaScript budget: shoppers on slow mobile links in India and the UK pay for every byte,
// so the build fails when the gzipped JavaScript grows past it (see also web/test/budget.test.ts).
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export const JS_BUDGET_BYTES = 60 * 1024;

export interface BudgetReport {
  totalGzipBytes: number;
  files: Array<{ name: string; gzipBytes: number }>;
}

/** Gzipped size (level 9, as a CDN would serve it) of each JavaScript file and their sum. */
export function measureJs(files: Array<{ name: string; code: string | Uint8Array }>): BudgetReport {
  const measured = files
    .filter((f) => f.name.endsWith('.js'))
    .map((f) => ({ name: f.name, gzipBytes: gzipSync(f.code, { level: 9 }).length }));
  return { totalGzipBytes: measured.reduce((sum, f) => sum + f.gzipBytes, 0), files: measured };
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Vite plugin: measures every emitted chunk and fails the build over budget. */
export function jsBudget(limitBytes = JS_BUDGET_BYTES): Plugin {
  return {
    name: 'edgecart:js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((out) =>
        out.type === 'chunk' ? [{ name: out.fileName, code: out.code }] : [],
      );
      const report = measureJs(chunks);
      const summary = `JavaScript ${formatKiB(report.totalGzipBytes)} gzipped (budget ${formatKiB(limitBytes)})`;
      if (report.totalGzipBytes > limitBytes) {
        this.error(
          `${summary}: over budget. ${report.files.map((f) => `${f.name} ${formatKiB(f.gzipBytes)}`).join(', ')}`,
        );
      }
      this.info(summary);
    },
  };
}
