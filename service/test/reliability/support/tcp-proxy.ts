// A TCP proxy the test can cut, standing between the service and PostgreSQL (or anything else):
// - cut():       every open connection is reset and new ones are refused (the listener is closed), like a
//                dead primary or a security-group change;
// - blackhole(): open connections are reset, new ones are accepted but nothing is forwarded, like a network
//                partition where SYNs are answered by nothing useful (the client's connect timeout decides);
// - restore():   forwarding resumes on the same port.
import { createServer, type Server, type Socket, connect } from 'node:net';

type Mode = 'forward' | 'blackhole' | 'refuse';

export class TcpProxy {
  private server?: Server;
  private mode: Mode = 'forward';
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** Starts listening on `port` (0 = any free port) and forwarding. */
  async listen(port = this.port): Promise<this> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this;
  }

  /** Connections opened through the proxy and still open (both halves count). */
  get openConnections(): number {
    return this.sockets.size;
  }

  private remember(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.remember(client);
    if (this.mode !== 'forward') return; // blackhole: hold the connection, answer nothing
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    this.remember(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  /** Resets every connection and refuses new ones until restore(). */
  async cut(): Promise<void> {
    this.mode = 'refuse';
    const server = this.server;
    this.server = undefined;
    this.resetAll();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Resets every connection; new ones are accepted and then hang, unanswered, until restore(). */
  async blackhole(): Promise<void> {
    if (!this.server) await this.listen();
    this.mode = 'blackhole';
    this.resetAll();
  }

  /** Forwards again, on the same port. Connections held by a blackhole are reset so clients retry. */
  async restore(): Promise<void> {
    if (this.mode === 'blackhole') this.resetAll();
    this.mode = 'forward';
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.mode = 'refuse';
    this.resetAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
