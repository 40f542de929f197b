// A small round-robin HTTP load balancer in front of several service processes, standing in for the ALB.
// Like the ALB with a dead target, it never sends a request to an instance that refuses connections: a refused
// connect (the request never reached anyone, so retrying is safe) moves on to the next instance. Anything
// else an instance does wrong reaches the client as it happened (a 502 for a broken response).
import { request as httpRequest, Agent, createServer, type IncomingMessage, type Server } from 'node:http';

export interface Upstream {
  name: string;
  port: number;
}

/**
 * A listener rule with a fixed response (the ALB's FixedResponseConfig fields), evaluated before forwarding, as
 * the ALB's rules come before its forward.
 */
export interface FixedResponseRule {
  /** Whether the rule's condition holds for the request's path (the query string excluded, as the ALB does). */
  matches(path: string): boolean;
  statusCode: number;
  contentType: string;
  messageBody: string;
}

export class RoundRobinProxy {
  private server?: Server;
  private next = 0;
  private readonly agent = new Agent({ keepAlive: true });
  /** The instance that answered each request, in order. */
  readonly servedBy: string[] = [];
  /** Connects that an instance refused (and the proxy retried elsewhere). */
  refused = 0;
  port = 0;

  constructor(
    private readonly upstreams: Upstream[],
    private readonly rules: readonly FixedResponseRule[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const rule = this.rules.find((r) => r.matches(path));
        if (rule) {
          res.writeHead(rule.statusCode, { 'content-type': rule.contentType });
          res.end(rule.messageBody);
          return;
        }
        this.forward(req, Buffer.concat(chunks), this.upstreams.length).then(
          ({ upstream, response, body }) => {
            this.servedBy.push(upstream.name);
            res.writeHead(response.statusCode ?? 502, response.headers);
            res.end(body);
          },
          (err: Error) => {
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: err.message }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private pick(): Upstream {
    const upstream = this.upstreams[this.next % this.upstreams.length]!;
    this.next++;
    return upstream;
  }

  private async forward(
    req: IncomingMessage,
    body: Buffer,
    attemptsLeft: number,
  ): Promise<{ upstream: Upstream; response: IncomingMessage; body: Buffer }> {
    const upstream = this.pick();
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const out = httpRequest(
          {
            host: '127.0.0.1',
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: `127.0.0.1:${upstream.port}` },
            agent: this.agent,
            timeout: 10_000,
          },
          resolve,
        );
        out.once('timeout', () => out.destroy(new Error(`${upstream.name} timed out`)));
        out.once('error', reject);
        out.end(body);
      });
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      return { upstream, response, body: Buffer.concat(chunks) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED' && attemptsLeft > 1) {
        this.refused++;
        return this.forward(req, body, attemptsLeft - 1);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}
