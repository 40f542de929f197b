// A region's own Redis (sessions, cache, rate limits): a redis-server on a free 127.0.0.1 port with no
// persistence, like the reliability tests' one (service/test/reliability/support/redis-server.ts), but
// registered with the lab's process list so teardown and the "all gone" check see it.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../service/test/reliability/support/ports.js';
import { pingRedis } from '../service/test/reliability/support/redis-server.js';
import { removeTempDir, stop, tempDir, track } from './processes.js';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export class RegionRedis {
  private proc?: ChildProcess;
  private readonly dir = tempDir('edgecart-lab-redis-');

  private constructor(
    readonly region: string,
    readonly port: number,
  ) {}

  static async start(region: string): Promise<RegionRedis> {
    const redis = new RegionRedis(region, await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts (or, after a kill, restarts empty) on the same port. */
  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
    ];
    const proc = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    proc.once('error', () => {});
    this.proc = track(proc);
    const deadline = Date.now() + 5_000;
    while (!(await pingRedis(this.port))) {
      if (proc.exitCode !== null || proc.pid === undefined)
        throw new Error(`redis-server (${REDIS_SERVER}) for ${this.region} did not start`);
      if (Date.now() > deadline)
        throw new Error(`redis-server for ${this.region} on ${this.port} did not answer within 5 s`);
      await sleep(50);
    }
  }

  /** SIGKILL: the region's sessions and carts are gone with it. */
  async kill(): Promise<void> {
    if (this.proc) await stop(this.proc);
  }

  async destroy(): Promise<void> {
    await this.kill();
    removeTempDir(this.dir);
  }
}
