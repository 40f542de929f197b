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

interface Pair {
  client: Socket;
  upstream: Socket;
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
    const pair: Pair = { client, upstream, last: 'none', roundTrips: 0 };
    this.pairs.add(pair);
    const half = this.rttMs / 2;
    client.on('data', (chunk: Buffer) => {
      if (this.state !== 'up') return; // dropped on the cut path
      pair.last = 'client';
      this.later(half, () => upstream.writable && upstream.write(chunk));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.state !== 'up') return;
      if (pair.last === 'client') {
        pair.roundTrips++;
        this.total++;
      }
      pair.last = 'server';
      this.later(half, () => client.writable && client.write(chunk));
    });
    // A close travels the link too: half an RTT later the other side sees it.
    const close = () => {
      this.pairs.delete(pair);
      this.later(half, () => {
        client.destroy();
        upstream.destroy();
      });
    };
    client.once('close', close);
    upstream.once('close', close);
  }

  // Timers of equal duration fire in the order they were set, so bytes keep their order in each direction.
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
