// The link proxy: each direction delayed by half the RTT, round trips counted as request burst → answer,
// and a partition that delivers nothing until healed.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Link } from './link.js';

let servers: Server[] = [];
let links: Link[] = [];
let sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  for (const l of links) await l.close();
  for (const s of servers) await new Promise((r) => s.close(r));
  servers = [];
  links = [];
  sockets = [];
});

/** A server that answers every chunk with "ok:<chunk>" (one answer per burst). */
async function echoServer(): Promise<number> {
  const server = createServer((socket) => {
    socket.on('data', (d) => socket.write(`ok:${d.toString()}`));
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

async function open(port: number): Promise<{ socket: Socket; next: () => Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  await new Promise((r) => socket.once('connect', r));
  socket.setNoDelay(true);
  const next = () => new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
  return { socket, next };
}

async function exchange(
  c: { socket: Socket; next: () => Promise<string> },
  text: string,
): Promise<{ answer: string; ms: number }> {
  const started = performance.now();
  const answer = c.next();
  c.socket.write(text);
  const got = await answer;
  return { answer: got, ms: performance.now() - started };
}

describe('Link', () => {
  it('adds one RTT to a request/response exchange (half each way) and keeps the bytes intact', async () => {
    const link = await new Link('test', 120, await echoServer()).listen();
    links.push(link);
    const c = await open(link.port);
    const { answer, ms } = await exchange(c, 'hello');
    expect(answer).toBe('ok:hello');
    expect(ms).toBeGreaterThanOrEqual(118);
    // Direct, the same exchange takes well under a millisecond on loopback; allow a busy machine.
    expect(ms).toBeLessThan(120 + 400);
  });

  it('counts one round trip per request burst followed by an answer, across connections', async () => {
    const link = await new Link('test', 10, await echoServer()).listen();
    links.push(link);
    const a = await open(link.port);
    for (let i = 0; i < 3; i++) await exchange(a, `q${i}`);
    expect(link.roundTrips).toBe(3);
    const b = await open(link.port);
    await exchange(b, 'other');
    expect(link.roundTrips).toBe(4);
  });

  it('counts a request sent in several chunks before the answer as one round trip', async () => {
    // The server answers only once it has the whole request ("END"), like a database after Sync.
    const server = createServer((socket) => {
      let got = '';
      socket.on('data', (d) => {
        got += d.toString();
        if (got.endsWith('END')) socket.write('done');
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const link = await new Link('test', 40, (server.address() as { port: number }).port).listen();
    links.push(link);
    const c = await open(link.port);
    const answer = c.next();
    c.socket.write('part1;');
    await new Promise((r) => setTimeout(r, 5));
    c.socket.write('part2;');
    await new Promise((r) => setTimeout(r, 5));
    c.socket.write('END');
    expect(await answer).toBe('done');
    expect(link.roundTrips).toBe(1);
  });

  it('delivers nothing while partitioned and resets held connections when healed', async () => {
    const link = await new Link('test', 0, await echoServer()).listen();
    links.push(link);
    const before = await open(link.port);
    link.partition();
    const reply = Promise.race([before.next(), new Promise<string>((r) => setTimeout(() => r('silence'), 300))]);
    before.socket.write('lost?');
    expect(await reply).toBe('silence');
    const closed = new Promise((r) => before.socket.once('close', r));
    before.socket.on('error', () => {});
    link.heal();
    await closed;
    const after = await open(link.port);
    expect((await exchange(after, 'back')).answer).toBe('ok:back');
  });

  it("holds the server's bytes back by the extra delay, and keeps their order when the delay drops", async () => {
    // A server that streams numbered chunks, as a primary streams WAL to its replica.
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', async () => {
        for (let i = 0; i < 40; i++) {
          socket.write(`${i},`);
          await new Promise((r) => setTimeout(r, 5));
        }
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const link = await new Link('replication', 20, (server.address() as { port: number }).port).listen();
    links.push(link);
    link.extraDownstreamDelayMs = 300;
    const c = await open(link.port);
    let received = '';
    let firstAt = 0;
    const started = performance.now();
    c.socket.on('data', (d) => {
      if (!firstAt) firstAt = performance.now() - started;
      received += d.toString();
    });
    c.socket.write('start');
    // Half way through the stream the extra delay goes: later chunks are due sooner than earlier ones.
    await new Promise((r) => setTimeout(r, 100));
    link.extraDownstreamDelayMs = 0;
    await expect.poll(() => received.split(',').length, { timeout: 5_000 }).toBe(41);
    expect(firstAt).toBeGreaterThanOrEqual(300 + 18);
    expect(received).toBe(`${Array.from({ length: 40 }, (_, i) => i).join(',')},`);
  });
});
