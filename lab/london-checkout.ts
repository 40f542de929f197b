// A London checkout measured alone: its latency for a UK shopper and how many round trips cross the
// Mumbai↔London link (the write link's counter, read on a quiet link: health polling paused, no other
// shoppers), for a first checkout and for a replay with the same Idempotency-Key; then read-your-writes (the
// order answers GET /api/orders/:id on the very next request, as the storefront asks, and is in the history on
// the one after: the load balancer alternates, so each lands on the other instance) and how long the replica
// took to show the order. For the measurement the replica is held REPLICA_LAG_MS behind (the replication link's
// extra delay), so those reads are sent while London's replica does not have the order yet, every run: what
// the service must get right is read under lag, not after it. The lab measures it twice (run.ts): with Aurora
// forwarding the one-statement checkout whole, and refusing it, so the service falls back to its transaction of
// forwarded statements.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Lab } from './lab.js';
import { Browser } from './shoppers.js';
import { round } from './stats.js';

/**
 * How far behind London's replica is held during the measurement, beyond the link's own delay. Aurora's global
 * replication lag is "typically under a second" (Aurora User Guide, "Using Amazon Aurora Global Database"); a
 * third of a second keeps the lab short and is far above the time between the answer and the next request.
 */
export const REPLICA_LAG_MS = 300;

export interface CheckoutMeasurement {
  firstMs: number;
  firstRoundTrips: number;
  replayMs: number;
  replayRoundTrips: number;
  replayStatus: number;
  /** The replay answered the first order (same id). */
  replayReturnedFirst: boolean;
  /** GET /api/orders/:id answered 200 on the very next request, and the history on the one after had it. */
  readYourWrites: boolean;
  /** Time from the checkout's answer until the replica had the order. */
  replicaLagMs: number;
  /** The order detail was asked for before the replica had the order (the read was under lag). */
  readUnderLag: boolean;
}

export interface LondonCheckout {
  runs: CheckoutMeasurement[];
  /** Medians over the runs. */
  firstRoundTrips: number;
  replayRoundTrips: number;
  firstMs: number;
  replayMs: number;
  /** Runs whose next requests saw the order / whose replay answered the first order, of `runs.length`. */
  readYourWrites: number;
  replaysReturningFirst: number;
  replicaLagMs: number;
  /** Runs whose order detail was asked for while the replica did not have the order yet. */
  readsUnderLag: number;
  /** The extra replica lag the measurement ran with. */
  heldLagMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

async function replicaLag(replicaUrl: string, orderId: string, since: number): Promise<number> {
  const client = new pg.Client({ connectionString: replicaUrl });
  await client.connect();
  try {
    for (;;) {
      const { rowCount } = await client.query('SELECT 1 FROM orders WHERE id = $1::uuid', [orderId]);
      if (rowCount) return performance.now() - since;
      if (performance.now() - since > 3_000) return Number.NaN; // not replicating: reported as such
      await sleep(2);
    }
  } finally {
    await client.end();
  }
}

export async function measureLondonCheckout(lab: Lab, runs: number): Promise<LondonCheckout> {
  const base = lab.linkUrl('uk', 'london');
  const browser = new Browser();
  const email = `uk-measure-${randomUUID().slice(0, 12)}@lab.edgecart.test`;
  const account = { email, password: 'lab-shopper-password-1' };
  const reg = await browser.request(base, 'POST', '/api/auth/register', account);
  if (reg.status !== 202) throw new Error(`London checkout measurement: register answered ${reg.status}`);
  const login = await browser.request(base, 'POST', '/api/auth/login', account);
  if (login.status !== 200) throw new Error(`London checkout measurement: login answered ${login.status}`);
  const list = await browser.request(base, 'GET', '/api/products?limit=5');
  const productId: string = list.body.items[0].id;
  const link = lab.writeLink;
  const results: CheckoutMeasurement[] = [];
  await lab.router.quiet();
  lab.replicationLink.extraDownstreamDelayMs = REPLICA_LAG_MS;
  try {
    // Two unmeasured checkouts first, one per instance (round robin), so each writer pool has its connection
    // open: opening one (startup, authentication) is a cost paid once per connection, not per checkout.
    for (let i = 0; i < runs + 2; i++) {
      await browser.request(base, 'PUT', `/api/cart/items/${productId}`, { quantity: 1 });
      await sleep(150); // let anything the cart write caused settle before reading the counter
      const key = randomUUID();
      const before = link.roundTrips;
      const first = await browser.request(base, 'POST', '/api/orders', undefined, { 'idempotency-key': key });
      const answeredAt = performance.now();
      // Every round trip of the checkout was counted before its answer reached the client (the link counts a
      // round trip when the server starts answering), and the next requests cross the link too: read it now.
      const firstTrips = link.roundTrips - before;
      if (first.status !== 201)
        throw new Error(`London checkout answered ${first.status}: ${JSON.stringify(first.body)}`);
      // The very next requests, at once, as the storefront sends them; the replica is polled meanwhile.
      const lagPromise = replicaLag(lab.cluster.replica.url(), first.body.id, answeredAt);
      const detailSentAfter = performance.now() - answeredAt;
      const detail = await browser.request(base, 'GET', `/api/orders/${first.body.id}`);
      const history = await browser.request(base, 'GET', '/api/orders');
      const ryw =
        detail.status === 200 &&
        history.status === 200 &&
        history.body.items.some((o: { id: string }) => o.id === first.body.id);
      const lag = await lagPromise;
      const beforeReplay = link.roundTrips;
      // A replay of the same key from the same tab: the cart is empty now, the key finds the first order.
      const replay = await browser.request(base, 'POST', '/api/orders', undefined, { 'idempotency-key': key });
      const replayTrips = link.roundTrips - beforeReplay;
      if (i < 2) continue;
      results.push({
        firstMs: round(first.ttfbMs),
        firstRoundTrips: firstTrips,
        replayMs: round(replay.ttfbMs),
        replayRoundTrips: replayTrips,
        replayStatus: replay.status,
        replayReturnedFirst: replay.status === 200 && replay.body?.id === first.body.id,
        readYourWrites: ryw,
        replicaLagMs: round(lag),
        readUnderLag: lag > detailSentAfter,
      });
    }
  } finally {
    lab.replicationLink.extraDownstreamDelayMs = 0;
    lab.router.resume();
  }
  return {
    runs: results,
    firstRoundTrips: median(results.map((r) => r.firstRoundTrips)),
    replayRoundTrips: median(results.map((r) => r.replayRoundTrips)),
    firstMs: median(results.map((r) => r.firstMs)),
    replayMs: median(results.map((r) => r.replayMs)),
    readYourWrites: results.filter((r) => r.readYourWrites).length,
    replaysReturningFirst: results.filter((r) => r.replayReturnedFirst).length,
    replicaLagMs: median(results.map((r) => r.replicaLagMs)),
    readsUnderLag: results.filter((r) => r.readUnderLag).length,
    heldLagMs: REPLICA_LAG_MS,
  };
}
