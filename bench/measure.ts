// One autocannon measurement: a short warm-up whose numbers are thrown away (JIT, connection pools, cache), then
// the measured run. Errors = socket errors/timeouts plus every non-2xx answer (the bench expects only 2xx).
import autocannon from 'autocannon';

export interface Measurement {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  statusCodes: Record<string, number>;
  /** req/s of each round, in order, when the scenario ran in several interleaved rounds. */
  roundRps: number[];
  /**
   * CPU time the serving process spent per answered request (user + system, µs), when measured: unlike req/s it
   * does not depend on how much of the machine the load generator takes. Several rounds: their median.
   */
  cpuUsPerRequest?: number;
}

export interface MeasureOptions {
  name: string;
  url: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
  initialContext?: object;
  /** The serving process's CPU clock, to measure CPU per request over the measured run. */
  cpuSeconds?: () => Promise<number>;
}

/**
 * What the ALB adds to every request in AWS. With TRUST_PROXY_HOPS=1 the service then sees https, as in
 * production, so NODE_ENV=production's Secure session cookie is issued.
 */
export const ALB_HEADERS: Record<string, string> = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };

function run(options: MeasureOptions, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration,
    pipelining: 1,
    method: options.method ?? 'GET',
    headers: { ...ALB_HEADERS, ...options.headers },
    body: options.body,
    requests: options.requests,
    initialContext: options.initialContext,
    timeout: 10,
  });
}

export function toMeasurement(name: string, r: autocannon.Result): Measurement {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  return {
    name,
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx,
    requests: r.requests.total,
    statusCodes,
    roundRps: [r.requests.average],
  };
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * One scenario measured in several rounds: the round with the median req/s stands for it (with that round's
 * latencies), every round's req/s is kept, and errors are summed over all rounds.
 */
export function combineRounds(rounds: Measurement[]): Measurement {
  const ordered = [...rounds].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const typical = ordered[Math.floor((ordered.length - 1) / 2)]!;
  const statusCodes: Record<string, number> = {};
  for (const r of rounds)
    for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
  const { cpuUsPerRequest: _typicalCpu, ...rest } = typical;
  return {
    ...rest,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    statusCodes,
    roundRps: rounds.map((r) => r.requestsPerSec),
    ...(rounds.every((r) => r.cpuUsPerRequest !== undefined)
      ? { cpuUsPerRequest: median(rounds.map((r) => r.cpuUsPerRequest!)) }
      : {}),
  };
}

export async function measure(options: MeasureOptions): Promise<Measurement> {
  if (options.warmupSec > 0) await run(options, options.warmupSec);
  const cpuBefore = await options.cpuSeconds?.();
  const measured = toMeasurement(options.name, await run(options, options.durationSec));
  if (cpuBefore === undefined || measured.requests === 0) return measured;
  const cpu = (await options.cpuSeconds!()) - cpuBefore;
  return { ...measured, cpuUsPerRequest: (cpu * 1e6) / measured.requests };
}
