// A dedicated redis-server for one test file, on a free 127.0.0.1 port, with no persistence, so a test can
// kill it, freeze it (SIGSTOP) and bring it back on the same port without touching the machine's own Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.js';
import { exitOf, kill, track } from './processes.js';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** One PING over a raw socket: true when the server answers +PONG within `timeoutMs`. */
function pingRedis(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Spawns a redis-server on `port` with no persistence (files in `dir`) and waits until it answers PING. `onSpawn`
 * sees the process first, so the caller's cleanup tracks it even when it never answers.
 */
export async function spawnRedisServer(
  port: number,
  dir: string,
  onSpawn: (proc: ChildProcess) => void = () => {},
): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const proc = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  proc.once('error', () => {});
  onSpawn(proc);
  const deadline = Date.now() + 5_000;
  while (!(await pingRedis(port))) {
    if (proc.exitCode !== null || proc.pid === undefined)
      throw new Error(`redis-server (${REDIS_SERVER}) on ${port} exited with ${proc.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer within 5 s`);
    await sleep(50);
  }
  return proc;
}

export class RedisServer {
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'edgecart-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the server on its port and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) throw new Error('already running');
    this.proc = await spawnRedisServer(this.port, this.dir, (proc) => {
      this.proc = track(proc);
    });
  }

  /** SIGKILL: the process is gone, its data with it, and the port refuses connections. */
  async kill(): Promise<void> {
    if (this.proc) await kill(this.proc);
  }

  /** SIGSTOP: connections stay open but nothing answers, like a network partition or a stuck primary. */
  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  thaw(): void {
    this.proc?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.proc) {
      this.thaw();
      const exited = exitOf(this.proc);
      await this.kill();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
