// The one table of round-trip times the lab runs on (lab/rtt.json by default, or --rtt <file>), validated so
// a typo fails at start with the entry named rather than as a strange figure in the report.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REGIONS = ['mumbai', 'london'] as const;
export const POPULATIONS = ['india', 'uk'] as const;
export type Region = (typeof REGIONS)[number];
export type Population = (typeof POPULATIONS)[number];

export interface RttEntry {
  from: string;
  to: string;
  rttMs: number;
  source: string | null;
  note: string;
}

export interface RttTable {
  entries: RttEntry[];
  /** RTT between a population and a region. */
  shopper(population: Population, region: Region): number;
  /** RTT between the two regions (the database's write and replication path). */
  interRegion(): number;
}

export const DEFAULT_RTT_FILE = fileURLToPath(new URL('./rtt.json', import.meta.url));

export function parseRttTable(json: unknown, origin = 'RTT table'): RttTable {
  const links = (json as { links?: unknown })?.links;
  if (!Array.isArray(links)) throw new Error(`${origin}: expected {"links": [...]}`);
  const entries = links.map((raw, i): RttEntry => {
    const e = raw as Partial<RttEntry>;
    if (typeof e.from !== 'string' || typeof e.to !== 'string')
      throw new Error(`${origin}: links[${i}] needs "from" and "to"`);
    if (typeof e.rttMs !== 'number' || !Number.isFinite(e.rttMs) || e.rttMs < 0 || e.rttMs > 2_000) {
      throw new Error(`${origin}: links[${i}] (${e.from}↔${e.to}) needs "rttMs" from 0 to 2000`);
    }
    if (e.source !== null && typeof e.source !== 'string')
      throw new Error(`${origin}: links[${i}] "source" must be a URL or null`);
    if (typeof e.note !== 'string' || !e.note)
      throw new Error(`${origin}: links[${i}] needs a "note" (where the figure comes from)`);
    return { from: e.from, to: e.to, rttMs: e.rttMs, source: e.source ?? null, note: e.note };
  });
  const find = (a: string, b: string): number => {
    const hit = entries.find((e) => (e.from === a && e.to === b) || (e.from === b && e.to === a));
    if (!hit) throw new Error(`${origin}: no entry for ${a}↔${b}`);
    return hit.rttMs;
  };
  // Every pair the lab needs must be there: fail now, not half-way through a run.
  for (const p of POPULATIONS) for (const r of REGIONS) find(p, r);
  find('mumbai', 'london');
  return { entries, shopper: (p, r) => find(p, r), interRegion: () => find('mumbai', 'london') };
}

export function loadRttTable(file = DEFAULT_RTT_FILE): RttTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the RTT table ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the RTT table ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseRttTable(json, file);
}
