// A region's own Redis (sessions, cache, rate limits): a redis-server on a free 127.0.0.1 port with no
// persistence, like the reliability tests' one (service/test/reliability/support/redis-server.ts), but
// registered with the lab's process list so teardown and the "all gone" check see it.
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../service/test/reliability/support/ports.js';
import { spawnRedisServer } from '../service/test/reliability/support/redis-server.js';
import { removeTempDir, stop, tempDir, track } from './processes.js';

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
    try {
      this.proc = await spawnRedisServer(this.port, this.dir, (proc) => {
        this.proc = track(proc);
      });
    } catch (err) {
      throw new Error(`Redis for ${this.region}: ${(err as Error).message}`);
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
