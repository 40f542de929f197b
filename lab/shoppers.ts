// Shoppers of a population going through the journey a real one takes (page, product list, product, add to
// cart, checkout, order history) with their own cookie jar, asking the router for their region before every
// request (DNS with a TTL of zero: the lab's figures for failover exclude resolver caching, which the report
// adds back for AWS). Every request's time to first byte is recorded: fetch resolves when the response headers
// have arrived, before the body is read.
import { randomUUID } from 'node:crypto';
import type { Population, Region } from './rtt.js';

export const STEPS = ['page', 'list', 'product', 'cart', 'checkout', 'history'] as const;
export type Step = (typeof STEPS)[number] | 'sign-in';

export interface Sample {
  phase: string;
  population: Population;
  step: Step;
  /** The region the router sent this request to. */
  region: Region;
  /** x-region of the answer (undefined when nothing answered). */
  servedBy?: string;
  /** HTTP status; 0 when the request failed without an answer (refused, reset, timed out). */
  status: number;
  ttfbMs: number;
  /** Epoch ms when the answer's headers (or the failure) arrived. */
  at: number;
  /** Issue #22: the edge's x-edge-cache (HIT, MISS, STALE, ...) when an edge answered (lab/edge.ts). */
  edgeCache?: string;
}

export interface AcknowledgedOrder {
  id: string;
  population: Population;
  region: Region;
  at: number;
  idempotencyKey: string;
}

/** Everything shoppers saw, shared by every shopper of a run. */
export class Recorder {
  phase = 'warm-up';
  readonly samples: Sample[] = [];
  readonly orders: AcknowledgedOrder[] = [];
  /** Times a shopper found itself signed out (its session was in a region's Redis that is gone). */
  readonly signedOut: { population: Population; at: number; hadCart: boolean }[] = [];
  readonly readYourWrites: { region: Region; ok: boolean; at: number }[] = [];
}

export interface Answer {
  status: number;
  headers?: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked where used
  body?: any;
  ttfbMs: number;
}

/** A browser-like client: a cookie jar, JSON in and out, and a per-request deadline like a shopper's patience. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly timeoutMs = 10_000) {}

  forget(): void {
    this.cookies.clear();
  }

  async request(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const started = performance.now();
    try {
      const res = await fetch(base + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const ttfbMs = performance.now() - started;
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const value = pair.slice(eq + 1).trim();
        if (value) this.cookies.set(pair.slice(0, eq).trim(), value);
        else this.cookies.delete(pair.slice(0, eq).trim());
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* a page, not JSON */
      }
      return { status: res.status, headers: res.headers, body: parsed, ttfbMs };
    } catch {
      return { status: 0, ttfbMs: performance.now() - started };
    }
  }
}

export interface Directions {
  /** Which region serves this population now (the router). */
  resolve(population: Population): Region;
  /** The base URL of the population's link to `region`. */
  linkUrl(population: Population, region: Region): string;
}

const PASSWORD = 'lab-shopper-password-1';

export class Shopper {
  private readonly browser = new Browser();
  private readonly email: string;
  private registered = false;
  private signedIn = false;
  private lastOrder?: { id: string; region: Region };

  constructor(
    readonly population: Population,
    private readonly directions: Directions,
    private readonly recorder: Recorder,
    private readonly thinkMs = 20,
  ) {
    this.email = `${population}-${randomUUID().slice(0, 12)}@lab.edgecart.test`;
  }

  private async call(step: Step, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const region = this.directions.resolve(this.population);
    const answer = await this.browser.request(
      this.directions.linkUrl(this.population, region),
      method,
      path,
      body,
      headers,
    );
    this.recorder.samples.push({
      phase: this.recorder.phase,
      population: this.population,
      step,
      region,
      servedBy: answer.headers?.get('x-region') ?? undefined,
      status: answer.status,
      ttfbMs: answer.ttfbMs,
      at: Date.now(),
      edgeCache: answer.headers?.get('x-edge-cache') ?? undefined,
    });
    // A person waits a little longer before trying again after an error page.
    const pause = answer.status === 0 || answer.status >= 500 ? 250 : this.thinkMs;
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    return { ...answer, region };
  }

  private async signIn(): Promise<boolean> {
    // Registration signs nobody in and answers 202 either way (issue #23): register once, then log in.
    if (!this.registered) {
      const r = await this.call('sign-in', 'POST', '/api/auth/register', { email: this.email, password: PASSWORD });
      if (r.status !== 202) return false;
      this.registered = true;
    }
    const a = await this.call('sign-in', 'POST', '/api/auth/login', { email: this.email, password: PASSWORD });
    this.signedIn = a.status === 200;
    return this.signedIn;
  }

  /** One journey; returns early (as a shopper gives up) when a step fails. */
  async journey(): Promise<void> {
    await this.call('page', 'GET', '/', undefined, { accept: 'text/html' });
    const list = await this.call('list', 'GET', '/api/products?limit=20');
    const items: { id: string; stock: number }[] = list.status === 200 ? (list.body?.items ?? []) : [];
    const inStock = items.filter((p) => p.stock > 0);
    const product = inStock[Math.floor(Math.random() * inStock.length)];
    if (!product) return;
    await this.call('product', 'GET', `/api/products/${product.id}`);
    if (!this.signedIn && !(await this.signIn())) return;
    const cart = await this.call('cart', 'PUT', `/api/cart/items/${product.id}`, { quantity: 1 });
    if (cart.status !== 200) return;
    const key = randomUUID();
    const order = await this.call('checkout', 'POST', '/api/orders', undefined, { 'idempotency-key': key });
    if (order.status === 401) {
      // The session lived in a region's Redis that no longer serves this shopper: sign in again, cart gone.
      this.signedIn = false;
      this.recorder.signedOut.push({ population: this.population, at: Date.now(), hadCart: true });
      return;
    }
    if (order.status === 201 || order.status === 200) {
      this.recorder.orders.push({
        id: order.body.id,
        population: this.population,
        region: order.region,
        at: Date.now(),
        idempotencyKey: key,
      });
      this.lastOrder = { id: order.body.id, region: order.region };
    }
    const history = await this.call('history', 'GET', '/api/orders');
    if (history.status === 401) {
      this.signedIn = false;
      this.recorder.signedOut.push({ population: this.population, at: Date.now(), hadCart: false });
      return;
    }
    // Read your writes: the order just placed is in the history on the very next request, in that region.
    if (this.lastOrder && history.status === 200 && history.region === this.lastOrder.region && order.status === 201) {
      const ok = (history.body?.items ?? []).some((o: { id: string }) => o.id === this.lastOrder!.id);
      this.recorder.readYourWrites.push({ region: history.region, ok, at: Date.now() });
    }
  }
}

/** Runs `perPopulation` shoppers of each population until `stop` resolves, each doing journeys back to back. */
async function runShoppers(
  populations: readonly Population[],
  perPopulation: number,
  directions: Directions,
  recorder: Recorder,
  stop: Promise<void>,
): Promise<void> {
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const shoppers = populations.flatMap((p) =>
    Array.from({ length: perPopulation }, () => new Shopper(p, directions, recorder)),
  );
  await Promise.all(
    shoppers.map(async (s) => {
      while (!stopped) await s.journey();
    }),
  );
}

/** Starts shoppers as runShoppers does; `stop()` lets each finish its journey and resolves when all have. */
export function startShopping(
  populations: readonly Population[],
  perPopulation: number,
  directions: Directions,
  recorder: Recorder,
): { stop(): Promise<void> } {
  let release!: () => void;
  const stopped = new Promise<void>((r) => {
    release = r;
  });
  const shopping = runShoppers(populations, perPopulation, directions, recorder, stopped);
  return {
    stop() {
      release();
      return shopping;
    },
  };
}
