// The front: Route 53 latency routing with health checks, as the lab plays it. Each population is answered
// with its lowest-latency healthy region; shoppers then connect over their population's link to that region,
// as a browser does after DNS. Health comes from polling every region like Route 53's health checkers do
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
// a request every interval, and a status that changes only after `failureThreshold` consecutive results the
// other way (the same threshold both ways, so one blip neither fails a region out nor brings it back).
// A region passes a poll (issue #14's rule) only when its instances answer (/health on at least one) AND its
// readiness holds on most of them (/ready: the database writer through the path the app uses, and Redis).
// When no region is healthy Route 53 answers as if all were
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html): fail open.
import { POPULATIONS, type Population, REGIONS, type Region, type RttTable } from './rtt.js';

export interface InstanceProbe {
  /** /health answered 200. */
  live: boolean;
  /** /ready answered 200. */
  ready: boolean;
}

/** One poll of a region: passes when at least one instance is live and more than half are ready. */
export function regionPasses(instances: InstanceProbe[]): boolean {
  if (instances.length === 0) return false;
  const live = instances.filter((i) => i.live).length;
  const ready = instances.filter((i) => i.live && i.ready).length;
  return live >= 1 && ready * 2 > instances.length;
}

/** The lowest-latency healthy enabled region for `population`; every enabled region when none is healthy. */
export function chooseRegion(
  population: Population,
  rtt: Pick<RttTable, 'shopper'>,
  enabled: readonly Region[],
  healthy: (region: Region) => boolean,
): Region {
  if (enabled.length === 0) throw new Error('no region is enabled');
  const up = enabled.filter(healthy);
  const candidates = up.length > 0 ? up : enabled;
  return [...candidates].sort((a, b) => rtt.shopper(population, a) - rtt.shopper(population, b))[0]!;
}

/** A health check's status: flips only after `threshold` consecutive results the other way. */
export class HealthStatus {
  healthy = true;
  private streak = 0;

  constructor(private readonly threshold: number) {}

  /** Records one poll; returns true when the status changed. */
  record(passed: boolean): boolean {
    if (passed === this.healthy) {
      this.streak = 0;
      return false;
    }
    this.streak++;
    if (this.streak < this.threshold) return false;
    this.healthy = passed;
    this.streak = 0;
    return true;
  }
}

export interface HealthPolicy {
  intervalMs: number;
  failureThreshold: number;
  /** A probe that has not answered by then counts as failed. */
  timeoutMs: number;
}

export interface Transition {
  at: number;
  region: Region;
  healthy: boolean;
}

/** Where a region's instances are right now (they change when the lab restarts them). */
export type InstanceUrls = (region: Region) => string[];

async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export class Router {
  enabled: Region[] = [...REGIONS];
  readonly transitions: Transition[] = [];
  private readonly status = new Map<Region, HealthStatus>();
  private timer?: NodeJS.Timeout;
  private paused = false;
  private polling = false;

  constructor(
    private readonly rtt: RttTable,
    private readonly instances: InstanceUrls,
    readonly policy: HealthPolicy,
  ) {
    for (const r of REGIONS) this.status.set(r, new HealthStatus(policy.failureThreshold));
  }

  healthy(region: Region): boolean {
    return this.status.get(region)!.healthy;
  }

  resolve(population: Population): Region {
    return chooseRegion(population, this.rtt, this.enabled, (r) => this.healthy(r));
  }

  routes(): Record<Population, Region> {
    return Object.fromEntries(POPULATIONS.map((p) => [p, this.resolve(p)])) as Record<Population, Region>;
  }

  async pollOnce(): Promise<void> {
    await Promise.all(
      REGIONS.map(async (region) => {
        const results = await Promise.all(
          this.instances(region).map(async (url) => {
            const [live, ready] = await Promise.all([
              probe(`${url}/health`, this.policy.timeoutMs),
              probe(`${url}/ready`, this.policy.timeoutMs),
            ]);
            return { live, ready };
          }),
        );
        if (this.status.get(region)!.record(regionPasses(results))) {
          this.transitions.push({ at: Date.now(), region, healthy: this.healthy(region) });
        }
      }),
    );
  }

  start(): void {
    const tick = async () => {
      if (!this.paused && !this.polling) {
        this.polling = true;
        await this.pollOnce().finally(() => {
          this.polling = false;
        });
      }
      if (this.timer) this.timer = setTimeout(tick, this.policy.intervalMs);
    };
    this.timer = setTimeout(tick, this.policy.intervalMs);
  }

  /** Stops polling for a while (a measurement that counts link round trips wants a quiet link). */
  pause(): void {
    this.paused = true;
  }

  /** Pauses polling and waits until a poll in progress has finished. */
  async quiet(): Promise<void> {
    this.paused = true;
    while (this.polling) await new Promise((r) => setTimeout(r, 20));
  }

  resume(): void {
    this.paused = false;
  }

  /** Resolves once `region`'s status is `healthy`, or false after `ms`. */
  async waitFor(region: Region, healthy: boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.healthy(region) !== healthy) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  stop(): void {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
  }
}
