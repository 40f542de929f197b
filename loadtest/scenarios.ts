// Named load-test scenarios: a workload and the objectives it must meet, so a figure quoted in an issue or in
// docs/benchmarks.md can be reproduced with one flag (`npm run loadtest -- --scenario NAME --target URL`).
import type { LoadTestOptions } from './run.js';
import type { Slo } from './slo.js';

export interface Scenario {
  description: string;
  options: Pick<LoadTestOptions, 'ratePerSec' | 'durationSec' | 'mix' | 'thinkMs' | 'maxActive' | 'groups'>;
  slo: Slo;
}

/** The catalog reads of the journeys, summarised together. */
export const CATALOG_STEPS = ['list products', 'next page', 'view product'] as const;

export const SCENARIOS: Record<string, Scenario> = {
  // Issue #11: 50 shoppers who browse, fill a cart, register and check out, about 4 registrations a second.
  // Half the arrivals buy (browse, register, two cart items, checkout, orders), half only browse and add to an
  // anonymous cart; 8 arrivals a second with ≈ 1 s between a shopper's steps keeps about 50 in flight.
  'shopper-mix': {
    description: '50 shoppers browsing, filling carts, registering and checking out (≈ 4 registrations/s)',
    options: {
      ratePerSec: 8,
      durationSec: 60,
      mix: { browse: 50, buy: 50, returning: 0 },
      thinkMs: 1_000,
      maxActive: 100,
      groups: { catalog: CATALOG_STEPS, checkout: ['checkout'], register: ['register'] },
    },
    slo: {
      p95Ms: 1_000,
      errorRate: 0,
      groupP95Ms: { catalog: 50, checkout: 300, register: 1_000 },
    },
  },
};
