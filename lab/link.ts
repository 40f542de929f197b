// A network link between two places, as a user-space TCP proxy: this machine's kernel has no traffic-control
// qdiscs (no netem), so the delay is added here. Every chunk is held for half the round-trip time in its own
// direction, so one request/response exchange costs one RTT, as on the real path. Hand-written because no
// maintained npm package both delays per direction and counts exchanges (toxiproxy needs its own server binary).
//
// A "round trip" is counted when the server starts answering after the client has sent something since the
// server last spoke: a burst of client→server bytes followed by server→client bytes. A PostgreSQL statement
// (Parse/Bind/Execute/Sync, then its result) is one round trip; a BEGIN … COMMIT transaction of five statements
// is five. That is what Aurora write forwarding pays per forwarded statement across regions.
import { type Server, type Socket, connect } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export type LinkState = 'up' | 'partitioned';

interface Held {
  at: number;
  deliver: () => void;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Chunks held in each direction, in the order they came, each with when it is due. */
  held: { up: Held[]; down: Held[] };
  /** Who sent the last burst: a server reply after a client burst closes one round trip. */
  last: 'client' | 'server' | 'none';
  roundTrips: number;
}

export class Link {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private state: LinkState = 'up';
  private total = 0;
  port = 0;
  /**
   * Extra one-way delay of the server→client direction, on top of half the RTT (0 by default). On the replication
   * link it holds the WAL back, so the replica lags by that much more than the network alone makes it: Aurora's
   * replica lag is its own (storage apply), not the forwarding path's RTT. Changed at any time; bytes keep order.
   */
  extraDownstreamDelayMs = 0;

  constructor(
    readonly name: string,
    readonly rttMs: number,
    private targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /**
   * Sends new connections to another port and resets the open ones, as a DNS name that now resolves to
   * another host does for clients that reconnect (an Aurora cluster endpoint after a failover).
   */
  retarget(port: number): void {
    this.targetPort = port;
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Round trips completed over every connection since the link was created. */
  get roundTrips(): number {
    return this.total;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async listen(port = 0): Promise<this> {
    ({ server: this.server, port: this.port } = await listenOnLoopback((client) => this.accept(client), port));
    return this;
  }

  private accept(client: Socket): void {
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    // A partitioned link accepts the connection (the SYN is answered locally) and then delivers nothing, so
    // the client's own timeouts decide, as with packets dropped on a cut path.
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    upstream.setNoDelay(true);
    upstream.on('error', () => upstream.destroy());
    const pair: Pair = { client, upstream, last: 'none', roundTrips: 0, held: { up: [], down: [] } };
    this.pairs.add(pair);
    const half = this.rttMs / 2;
    client.on('data', (chunk: Buffer) => {
      if (this.state !== 'up') return; // dropped on the cut path
      pair.last = 'client';
      this.inOrder(pair, 'up', half, () => upstream.writable && upstream.write(chunk));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.state !== 'up') return;
      if (pair.last === 'client') {
        pair.roundTrips++;
        this.total++;
      }
      pair.last = 'server';
      this.inOrder(pair, 'down', half + this.extraDownstreamDelayMs, () => client.writable && client.write(chunk));
    });
    // A close travels the link too: half an RTT later the other side sees it, behind every byte still held.
    const close = () => {
      this.pairs.delete(pair);
      this.inOrder(pair, 'up', half, () =>
        this.inOrder(pair, 'down', 0, () => {
          client.destroy();
          upstream.destroy();
        }),
      );
    };
    client.once('close', close);
    upstream.once('close', close);
  }

  /**
   * Delivers `ms` from now, but never before the chunk held before it in that direction: one FIFO and one timer per
   * direction, because timers of different durations are not guaranteed to fire in deadline order when the delay
   * changes (extraDownstreamDelayMs), and a reordered chunk would corrupt the stream.
   */
  private inOrder(pair: Pair, direction: 'up' | 'down', ms: number, deliver: () => void): void {
    if (ms <= 0 && pair.held[direction].length === 0) {
      deliver();
      return;
    }
    const queue = pair.held[direction];
    queue.push({ at: performance.now() + ms, deliver });
    if (queue.length > 1) return; // the timer of the chunk ahead is running
    const drain = () => {
      while (queue.length > 0 && queue[0]!.at <= performance.now()) queue.shift()!.deliver();
      if (queue.length > 0) this.later(queue[0]!.at - performance.now(), drain);
    };
    this.later(ms, drain);
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else setTimeout(fn, ms).unref();
  }

  /** Cuts the path: nothing crosses any more, in either direction, on old or new connections. */
  partition(): void {
    this.state = 'partitioned';
  }

  /** Heals the path. Connections that lost bytes while it was cut are reset, as their peers would time out. */
  heal(): void {
    if (this.state === 'up') return;
    this.state = 'up';
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  get status(): LinkState {
    return this.state;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
