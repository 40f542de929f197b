// `npm run lab -- --release`: runs the release drills (lab/release-drill.ts) and writes their report next to the
// rehearsal's (docs/release-drill.json and .md). Kept out of cli.ts so the rehearsal's entry point changes by one
// branch only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releaseDrillMarkdown, runReleaseDrills } from './release-drill.js';
import { loadRttTable } from './rtt.js';
import { defaultOptions } from './run.js';

export async function runReleaseCli(o: {
  short: boolean;
  rttFile: string;
  shoppers?: string;
  reportDir?: string;
  /** Write into docs/ (release-drill.md, .json) instead of test-results/lab/ (issue #20 item 8). */
  updateDocs?: boolean;
}): Promise<number> {
  const started = Date.now();
  try {
    const report = await runReleaseDrills({
      rtt: loadRttTable(o.rttFile),
      health: defaultOptions(o.short).health,
      shoppers: o.shoppers ? Number(o.shoppers) : 4,
      periodSeconds: o.short ? 5 : 6,
      releases: o.short ? ['checkout-errors', 'slow-shopper-paths'] : ['good', 'checkout-errors', 'slow-shopper-paths'],
      lockWaitSeconds: 0,
      log: (line) => console.log(`[release +${Math.round((Date.now() - started) / 1000)}s] ${line}`),
    });
    const dir = o.reportDir
      ? resolve(o.reportDir)
      : fileURLToPath(new URL(o.updateDocs ? '../docs/' : '../test-results/lab/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'release-drill.json'), `${JSON.stringify(report, null, 2)}\n`);
    const markdown = releaseDrillMarkdown(report);
    writeFileSync(join(dir, 'release-drill.md'), `# Release drills\n\n${markdown}\n`);
    console.log(`\n${markdown}\n\nReport: ${join(dir, 'release-drill.md')}`);
    return report.lostOrders.length === 0 ? 0 : 1;
  } catch (err) {
    console.error(`release drills failed: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
