// `npm run lab -- --release`: runs the release drills (lab/release-drill.ts) and writes their report where the
// rehearsal's goes (release-drill.json and .md; test-results/lab/, or docs/ with --update-docs). Kept out of cli.ts so the rehearsal's entry point changes by one
// branch only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseDrillMarkdown, runReleaseDrills } from './release-drill.js';
import { loadRttTable } from './rtt.js';
import { defaultOptions } from './run.js';

export async function runReleaseCli(o: {
  short: boolean;
  rttFile: string;
  shoppers?: string;
  reportDir: string;
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
    const dir = o.reportDir;
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
