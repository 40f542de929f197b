// The edge tier's figures (issue #22): per population, each catalog step's TTFB without the edge (the
// two-region phase) and with it (the edge phase: every answer, and the ones served from the edge's copy), the
// share of catalog requests served from the edge's copy, and what the affected population's catalog steps got
// during drills 1 and 2 (the edge stays in front of the shoppers for every drill).
import type { DrillResult } from './drills.js';
import { FROM_EDGE_COPY } from './edge.js';
import type { EdgeRttEntry } from './edge-tier.js';
import { POPULATIONS, type Population } from './rtt.js';
import type { Sample, Step } from './shoppers.js';
import { round, statusCounts, type TtfbCell, ttfb } from './stats.js';

export const CATALOG_STEPS = ['page', 'list', 'product'] as const satisfies readonly Step[];

/** Issue #22's bars: a hit within this of the population↔edge RTT (p50), and this share of hits. */
export const HIT_MARGIN_MS = 5;
export const HIT_RATIO_TARGET = 0.9;

export interface EdgeStepFigures {
  withoutEdge: TtfbCell;
  withEdge: TtfbCell;
  /** Answers served from the edge's copy (HIT, STALE, UPDATING). */
  hits: TtfbCell;
  /** hits.p50 − the population↔edge RTT. */
  hitOverRttMs: number;
}

export interface EdgeDrillFigures {
  name: string;
  population: Population;
  /** Status → count of the population's catalog answers during the drill (fault, wait, recovery, tail). */
  catalogAnswers: Record<string, number>;
  /** Of them, served from the edge's copy. */
  fromEdgeCopy: number;
  /** Of those, a copy past its freshness (stale-while-revalidate or stale-if-error). */
  stale: number;
  catalogErrors: number;
  /**
   * Of the errors, those the edge answered MISS: it had no copy of that page at all (never requested before the
   * region was lost), which stale-if-error cannot cover, at CloudFront either.
   */
  errorsWithoutCopy: number;
  acknowledgedOrders: number;
  lostOrders: number;
}

export interface EdgeReport {
  rtt: EdgeRttEntry[];
  steps: Record<Population, Record<string, EdgeStepFigures>>;
  /** Catalog requests of the edge phase served from the edge's copy, per population (0..1). */
  hitRatio: Record<Population, number>;
  catalogRequests: Record<Population, number>;
  drills: EdgeDrillFigures[];
  met: { hitTtfb: boolean; hitRatio: boolean; drillCatalogErrors: boolean; ordersLost: boolean };
}

const isCatalog = (s: Sample) => (CATALOG_STEPS as readonly string[]).includes(s.step);
const fromCopy = (s: Sample) => s.edgeCache !== undefined && FROM_EDGE_COPY.has(s.edgeCache);

export function edgeReport(
  samples: Sample[],
  phases: { withoutEdge: string; withEdge: string },
  rtt: EdgeRttEntry[],
  drills: DrillResult[],
): EdgeReport {
  const rttOf = (p: Population) => rtt.find((e) => e.population === p)!.rttMs;
  const of = (phase: string, p: Population) => samples.filter((s) => s.phase === phase && s.population === p);
  const steps = {} as EdgeReport['steps'];
  const hitRatio = {} as EdgeReport['hitRatio'];
  const catalogRequests = {} as EdgeReport['catalogRequests'];
  for (const p of POPULATIONS) {
    const without = of(phases.withoutEdge, p);
    const withEdge = of(phases.withEdge, p);
    steps[p] = {};
    for (const step of CATALOG_STEPS) {
      const hits = ttfb(withEdge.filter((s) => s.step === step && fromCopy(s)));
      steps[p][step] = {
        withoutEdge: ttfb(without.filter((s) => s.step === step)),
        withEdge: ttfb(withEdge.filter((s) => s.step === step)),
        hits,
        hitOverRttMs: round(hits.p50 - rttOf(p)),
      };
    }
    const catalog = withEdge.filter(isCatalog);
    catalogRequests[p] = catalog.length;
    hitRatio[p] = catalog.length ? round(catalog.filter(fromCopy).length / catalog.length, 3) : 0;
  }
  const drillFigures = drills
    .filter((d) => /^drill [12]\b/.test(d.name))
    .map((d): EdgeDrillFigures => {
      const catalog = samples.filter((s) => s.phase === d.name && s.population === d.population && isCatalog(s));
      return {
        name: d.name,
        population: d.population,
        catalogAnswers: statusCounts(catalog),
        fromEdgeCopy: catalog.filter(fromCopy).length,
        stale: catalog.filter((s) => s.edgeCache === 'STALE' || s.edgeCache === 'UPDATING').length,
        catalogErrors: catalog.filter((s) => s.status < 200 || s.status >= 300).length,
        errorsWithoutCopy: catalog.filter((s) => (s.status < 200 || s.status >= 300) && s.edgeCache === 'MISS').length,
        acknowledgedOrders: d.acknowledgedOrders,
        lostOrders: d.lostOrders.length,
      };
    });
  const cells = POPULATIONS.flatMap((p) => CATALOG_STEPS.map((s) => steps[p][s]!));
  return {
    rtt,
    steps,
    hitRatio,
    catalogRequests,
    drills: drillFigures,
    met: {
      hitTtfb: cells.every((c) => c.hits.n > 0 && c.hitOverRttMs <= HIT_MARGIN_MS),
      hitRatio: POPULATIONS.every((p) => hitRatio[p] >= HIT_RATIO_TARGET),
      drillCatalogErrors: drillFigures.length === 2 && drillFigures.every((d) => d.catalogErrors === 0),
      ordersLost: drillFigures.every((d) => d.lostOrders === 0),
    },
  };
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)}` : '–');
const name = (p: Population) => (p === 'uk' ? 'UK' : 'India');
const yes = (ok: boolean) => (ok ? 'met' : '**not met**');

function counts(c: Record<string, number>): string {
  const entries = Object.entries(c).sort(([a], [b]) => Number(a) - Number(b));
  return entries.length ? entries.map(([s, n]) => `${n} × ${s === '0' ? 'no answer' : s}`).join(', ') : 'none';
}

/** The report's section (lines of markdown), for lab/report.ts. */
export function edgeMarkdown(r: EdgeReport): string[] {
  const lines = ['## The catalog from the edge (issue #22)', ''];
  lines.push(
    "Per population, a caching proxy (Debian's nginx, configured as `infra/global/edge-caching.ts` configures CloudFront: catalog keyed on path + `limit` + `cursor`, pages on the path, no cookies in any key, the origin's `s-maxage` / `stale-while-revalidate` / `stale-if-error` honoured) between the shoppers and the router, from the edge phase on (the drills included). Its RTT to the shoppers:",
  );
  lines.push('');
  lines.push('| between | RTT (ms) | source |', '|---|---|---|');
  for (const e of r.rtt)
    lines.push(`| ${e.population} ↔ edge | ${e.rttMs} | ${e.source ? `<${e.source}>: ` : ''}${e.note} |`);
  lines.push('');
  lines.push(
    'TTFB p50 / p95 in ms of the catalog steps: without the edge (the two-region phase), with it (every answer), and the answers served from the edge\'s copy ("hit": HIT, STALE or UPDATING); "hit − RTT" is the hit p50 less the population↔edge RTT.',
  );
  lines.push('');
  lines.push(
    '| population | step | without the edge | with the edge | hits | hit − RTT |',
    '|---|---|---|---|---|---|',
  );
  for (const p of POPULATIONS) {
    for (const step of CATALOG_STEPS) {
      const c = r.steps[p][step]!;
      lines.push(
        `| ${name(p)} | ${step} | ${ms(c.withoutEdge.p50)} / ${ms(c.withoutEdge.p95)} | ${ms(c.withEdge.p50)} / ${ms(c.withEdge.p95)} | ${ms(c.hits.p50)} / ${ms(c.hits.p95)} (${c.hits.n}) | ${c.hitOverRttMs} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    `Hit ratio of the catalog requests in the shopper mix (page, list, product; the cart, checkout and history always go to the origin): India **${Math.round(r.hitRatio.india * 1000) / 10} %** of ${r.catalogRequests.india}, UK **${Math.round(r.hitRatio.uk * 1000) / 10} %** of ${r.catalogRequests.uk}. Targets: hits within ${HIT_MARGIN_MS} ms of the RTT (${yes(r.met.hitTtfb)}), hit ratio ≥ ${HIT_RATIO_TARGET * 100} % (${yes(r.met.hitRatio)}).`,
  );
  lines.push('');
  lines.push('While their region was gone (the whole drill: fault, wait, recovery and tail):');
  lines.push('');
  lines.push(
    "| drill | who | catalog answers | from the edge's copy (stale) | catalog errors (of them, pages the edge had no copy of) | orders acknowledged / lost |",
    '|---|---|---|---|---|---|',
  );
  for (const d of r.drills) {
    lines.push(
      `| ${d.name} | ${name(d.population)} | ${counts(d.catalogAnswers)} | ${d.fromEdgeCopy} (${d.stale}) | **${d.catalogErrors}** (${d.errorsWithoutCopy}) | ${d.acknowledgedOrders} / **${d.lostOrders}** |`,
    );
  }
  lines.push('');
  lines.push(
    `Targets: 0 catalog errors for the affected population in drills 1 and 2 (${yes(r.met.drillCatalogErrors)}); 0 acknowledged orders lost (${yes(r.met.ordersLost)}). Cart, sign-in and checkout still need their region: the drills table above counts what they got.`,
  );
  lines.push('');
  return lines;
}
