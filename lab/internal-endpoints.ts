// Issue #23 in the lab: who reaches the internal endpoints, as infra/ builds it. Shoppers come through their
// population's link to the region's load balancer, whose listener refuses the internal paths (the ALB's rules,
// infra/region/internal-paths.ts); an instance's public port refuses them again (the service's own 404, should a
// request get past the listener); the health checks reach them on the instance's internal port, which the load
// balancer never forwards to.
import type { Lab } from './lab.js';
import { POPULATIONS, REGIONS } from './rtt.js';

export const INTERNAL_PATHS = ['/metrics', '/ready', '/docs', '/docs/json'] as const;

export interface InternalEndpointsCheck {
  /** Distinct statuses per path over every population's link to every region's load balancer. */
  throughLoadBalancer: Record<string, number[]>;
  /** Distinct statuses per path on every instance's public port, asked directly. */
  onPublicPort: Record<string, number[]>;
  /** Distinct statuses per path on every instance's internal port. */
  onInternalPort: Record<string, number[]>;
}

async function statuses(bases: string[]): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const path of INTERNAL_PATHS) {
    const seen = await Promise.all(
      bases.map((base) =>
        fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) }).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status;
          },
          () => 0,
        ),
      ),
    );
    out[path] = [...new Set(seen)].sort();
  }
  return out;
}

export async function checkInternalEndpoints(lab: Lab): Promise<InternalEndpointsCheck> {
  const instances = REGIONS.flatMap((r) => lab.regions[r].instances);
  return {
    throughLoadBalancer: await statuses(
      POPULATIONS.flatMap((p) => REGIONS.map((r) => lab.populationLinks.get(`${p}→${r}`)!.url)),
    ),
    onPublicPort: await statuses(instances.map((i) => i.url)),
    onInternalPort: await statuses(instances.map((i) => i.internalUrl)),
  };
}
