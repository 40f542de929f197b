// The edge tier of `npm run lab` (issue #22): one nginx edge location per population (lab/edge.ts) between its
// shoppers and the router, at the population↔edge RTT of lab/edge-rtt.json. Once attached to the lab, every
// shopper request goes to its population's edge; the edge asks the router, per connection, which region to
// reach and goes there over the population's own link to it (the edge location is in the shoppers' country, so
// its path to a region is theirs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EdgeLocation } from './edge.js';
import type { Link } from './link.js';
import { POPULATIONS, type Population, type Region } from './rtt.js';

export interface EdgeRttEntry {
  population: Population;
  rttMs: number;
  source: string | null;
  note: string;
}

export const DEFAULT_EDGE_RTT_FILE = fileURLToPath(new URL('./edge-rtt.json', import.meta.url));

/** The population↔edge RTTs, validated like lab/rtt.json (every population, a figure and a note each). */
export function loadEdgeRtt(file = process.env.LAB_EDGE_RTT_FILE ?? DEFAULT_EDGE_RTT_FILE): EdgeRttEntry[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { links?: Partial<EdgeRttEntry & { from: string }>[] };
  return POPULATIONS.map((population) => {
    const e = json.links?.find((l) => l.from === population);
    if (!e || typeof e.rttMs !== 'number' || e.rttMs < 0 || e.rttMs > 2_000 || typeof e.note !== 'string' || !e.note)
      throw new Error(`${file}: needs {"from": "${population}", "rttMs": 0..2000, "source", "note"}`);
    return { population, rttMs: e.rttMs, source: e.source ?? null, note: e.note };
  });
}

/** What the tier needs of the lab: the router's answer and the populations' links to each region. */
export interface EdgeOrigins {
  resolve(population: Population): Region;
  readonly populationLinks: Map<string, Link>;
}

export class EdgeTier {
  private constructor(
    readonly rtt: EdgeRttEntry[],
    private readonly locations: Map<Population, EdgeLocation>,
  ) {}

  static async start(origins: EdgeOrigins, rtt: EdgeRttEntry[] = loadEdgeRtt()): Promise<EdgeTier> {
    const locations = new Map<Population, EdgeLocation>();
    try {
      for (const { population, rttMs } of rtt) {
        const origin = () => origins.populationLinks.get(`${population}→${origins.resolve(population)}`)!.port;
        locations.set(population, await EdgeLocation.start(population, rttMs, origin));
      }
    } catch (err) {
      await Promise.all([...locations.values()].map((l) => l.destroy().catch(() => {})));
      throw err;
    }
    return new EdgeTier(rtt, locations);
  }

  /** The base URL the population's shoppers use while the tier is attached. */
  url(population: Population): string {
    return this.locations.get(population)!.url;
  }

  rttOf(population: Population): number {
    return this.rtt.find((e) => e.population === population)!.rttMs;
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.locations.values()].map((l) => l.destroy().catch(() => {})));
  }
}
