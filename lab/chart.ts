// The report's chart as a standalone SVG (no external service, viewable on GitHub): TTFB p50 per population
// and journey step, one region (Mumbai only) beside two regions, with a whisker to p95. Hand-written: a few
// rectangles do not justify a charting dependency.
import type { LabReport } from './run.js';
import { STEPS } from './shoppers.js';

const COLORS = { oneRegion: '#c2410c', twoRegions: '#0369a1' } as const;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function ttfbChart(report: LabReport): string {
  const populations = ['india', 'uk'] as const;
  const groups = populations.flatMap((p) => STEPS.map((s) => ({ p, s })));
  // Scaled to the p50s (the bars); a p95 far above is clipped with its value written at the top.
  const p50s = groups.flatMap(({ p, s }) => [
    report.ttfb.oneRegion[p][s]?.p50 ?? 0,
    report.ttfb.twoRegions[p][s]?.p50 ?? 0,
  ]);
  const scaleMax = Math.max(500, Math.ceil((Math.max(...p50s.filter(Number.isFinite)) * 2) / 500) * 500);
  const left = 60;
  const top = 50;
  const plotH = 300;
  const groupW = 64;
  const gap = 24;
  const width = left + groups.length * groupW + gap + 20;
  const height = top + plotH + 80;
  const y = (v: number) => round1(top + plotH - (v / scaleMax) * plotH);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  );
  // Alternative text for screen readers (and Biome's a11y rule): what the chart shows, in one line.
  out.push(
    '<title>Time to first byte per journey step for shoppers in India and the UK, one region against two</title>',
  );
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Time to first byte per step: p50 bars, p95 whiskers (ms)</text>`,
  );
  out.push(
    `<rect x="${left}" y="30" width="10" height="10" fill="${COLORS.oneRegion}"/><text x="${left + 14}" y="39">one region (Mumbai only)</text>`,
  );
  out.push(
    `<rect x="${left + 170}" y="30" width="10" height="10" fill="${COLORS.twoRegions}"/><text x="${left + 184}" y="39">two regions (Mumbai + London)</text>`,
  );
  for (let v = 0; v <= scaleMax; v += scaleMax / 5) {
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  groups.forEach(({ p, s }, i) => {
    const x0 = left + i * groupW + (p === 'uk' ? gap : 0) + 8;
    (['oneRegion', 'twoRegions'] as const).forEach((which, j) => {
      const cell = report.ttfb[which][p][s];
      if (!cell || !Number.isFinite(cell.p50)) return;
      const x = x0 + j * 22;
      out.push(
        `<rect x="${x}" y="${y(cell.p50)}" width="20" height="${round1(top + plotH - y(cell.p50))}" fill="${COLORS[which]}"><title>${esc(`${p} ${s} ${which}: p50 ${cell.p50} ms, p95 ${cell.p95} ms, n=${cell.n}`)}</title></rect>`,
      );
      if (Number.isFinite(cell.p95)) {
        const top95 = Math.min(cell.p95, scaleMax);
        out.push(`<line x1="${x + 10}" x2="${x + 10}" y1="${y(cell.p50)}" y2="${y(top95)}" stroke="#111"/>`);
        out.push(`<line x1="${x + 5}" x2="${x + 15}" y1="${y(top95)}" y2="${y(top95)}" stroke="#111"/>`);
        if (cell.p95 > scaleMax)
          out.push(
            `<text x="${x + 10}" y="${y(scaleMax) - 3}" text-anchor="middle" font-size="9">${Math.round(cell.p95)}</text>`,
          );
      }
    });
    out.push(`<text x="${x0 + 21}" y="${top + plotH + 14}" text-anchor="middle">${s}</text>`);
  });
  populations.forEach((p, k) => {
    const x = left + k * (STEPS.length * groupW + gap) + (STEPS.length * groupW) / 2;
    out.push(
      `<text x="${x}" y="${top + plotH + 34}" text-anchor="middle" font-weight="bold">${p === 'uk' ? 'UK shoppers' : 'India shoppers'}</text>`,
    );
  });
  out.push(
    `<text x="${left}" y="${height - 12}" fill="#555">edgecart npm run lab, ${esc(report.when)}, commit ${esc(report.commit)}; links delayed per lab/rtt.json</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
