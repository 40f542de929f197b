// One simulated shopper: its own cookie jar (session), a shared connection pool, and every request timed and
// recorded as a named step. A step that answers an unexpected status throws StepFailed, which ends the journey:
// later steps depend on earlier ones (no checkout without a cart).
import { randomUUID } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import { CookieJar } from './cookie-jar.js';
import type { Stats } from './stats.js';

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${step}: ${status === 0 ? 'no response' : `HTTP ${status}`} ${detail}`.trim());
  }
}

export interface StepRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that count as success (default 200). */
  expect?: readonly number[];
}

export interface ShopperContext {
  target: URL;
  dispatcher: Dispatcher;
  stats: Stats;
  timeoutMs: number;
  signal: AbortSignal;
  /** Sent with every request (e.g. the load balancer's X-Forwarded-Proto when loading an instance directly). */
  headers?: Record<string, string>;
}

export class Shopper {
  readonly jar = new CookieJar();
  readonly id = randomUUID();

  constructor(private readonly ctx: ShopperContext) {}

  /** Sends one request as step `name`; returns status and parsed JSON body (undefined when there is none). */
  async step<T = unknown>(name: string, req: StepRequest): Promise<{ status: number; body: T }> {
    const expect = req.expect ?? [200];
    const headers: Record<string, string> = { accept: 'application/json', ...this.ctx.headers, ...req.headers };
    const cookie = this.jar.header();
    if (cookie !== undefined) headers.cookie = cookie;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    let status = 0;
    let text = '';
    try {
      const res = await request(new URL(req.path, this.ctx.target), {
        method: req.method ?? 'GET',
        headers,
        body: payload,
        dispatcher: this.ctx.dispatcher,
        headersTimeout: this.ctx.timeoutMs,
        bodyTimeout: this.ctx.timeoutMs,
        signal: this.ctx.signal,
      });
      status = res.statusCode;
      this.jar.store(res.headers['set-cookie']);
      text = await res.body.text();
    } catch (err) {
      text = err instanceof Error ? err.message : String(err);
    }
    const ms = performance.now() - started;
    // A run that is being cut short does not count its aborted requests against the service.
    if (this.ctx.signal.aborted && status === 0) throw new StepFailed(name, 0, 'aborted at the end of the run');
    const ok = expect.includes(status);
    this.ctx.stats.record(name, ms, status, ok);
    if (!ok) throw new StepFailed(name, status, text.slice(0, 200));
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status, body: body as T };
  }
}
