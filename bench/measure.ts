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
}

function run(options: MeasureOptions, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration,
    pipelining: 1,
    method: options.method ?? 'GET',
    headers: options.headers,
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
  };
}

export async function measure(options: MeasureOptions): Promise<Measurement> {
  if (options.warmupSec > 0) await run(options, options.warmupSec);
  return toMeasurement(options.name, await run(options, options.durationSec));
}
