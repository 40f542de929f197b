// A region: its own Redis, two service instances with REGION set, and a load balancer in front of them that
// stands in for the ALB (the reliability tests' round-robin proxy: never sends a request to an instance that
// refuses connections), with the listener's rules that refuse the internal paths (infra/region/internal-paths.ts).
import { INTERNAL_PATH_RESPONSE, refusedAtListener } from '../infra/region/internal-paths.js';
import {
  type FixedResponseRule,
  type Upstream,
  RoundRobinProxy,
} from '../service/test/reliability/support/round-robin-proxy.js';
import type { Region as RegionName } from './rtt.js';
import { RegionRedis } from './redis.js';
import { type InstanceEnv, ServiceInstance } from './service.js';

export const INSTANCES_PER_REGION = 2;

const LISTENER_INTERNAL_PATHS: FixedResponseRule = { matches: refusedAtListener, ...INTERNAL_PATH_RESPONSE };

export interface DatabaseUrls {
  DATABASE_URL: string;
  DATABASE_READ_URL?: string;
}

export class Region {
  instances: ServiceInstance[] = [];
  /** The load balancer's target list; replaced in place so the balancer sees new instances. */
  private readonly targets: Upstream[] = [];
  private readonly alb: RoundRobinProxy;

  private constructor(
    readonly name: RegionName,
    readonly redis: RegionRedis,
    public database: DatabaseUrls,
  ) {
    this.alb = new RoundRobinProxy(this.targets, [LISTENER_INTERNAL_PATHS]);
  }

  static async start(name: RegionName, database: DatabaseUrls): Promise<Region> {
    const region = new Region(name, await RegionRedis.start(name), database);
    try {
      await region.alb.listen();
      await region.startInstances();
    } catch (err) {
      await region.destroy();
      throw err;
    }
    return region;
  }

  /** The ALB's address: where the population links point. */
  get port(): number {
    return this.alb.port;
  }

  private env(): InstanceEnv {
    return { REGION: this.name, REDIS_URL: this.redis.url, ...this.database };
  }

  /** Starts a fresh set of instances (on the current database URLs), puts them behind the ALB, kills the old. */
  async startInstances(): Promise<void> {
    const old = this.instances;
    const fresh = await Promise.all(
      Array.from({ length: INSTANCES_PER_REGION }, (_, i) =>
        ServiceInstance.start(`${this.name}-${i + 1}`, this.env()),
      ),
    );
    this.instances = fresh;
    this.targets.splice(0, this.targets.length, ...fresh.map((f) => ({ name: f.name, port: f.port })));
    await Promise.all(old.map((o) => o.kill()));
  }

  /**
   * One more instance with `settings` on top of the region's (a release), put behind the ALB once it answers
   * /health: the launch half of an instance refresh's replacement (lab/release.ts).
   */
  async launch(name: string, settings: Record<string, string>): Promise<ServiceInstance> {
    const instance = await ServiceInstance.start(name, { ...this.env(), ...settings });
    this.instances.push(instance);
    this.targets.push({ name: instance.name, port: instance.port });
    return instance;
  }

  /** Takes `instance` out of the ALB first, then terminates it (SIGTERM, it drains): the other half. */
  async retire(instance: ServiceInstance): Promise<void> {
    const at = this.targets.findIndex((t) => t.port === instance.port);
    if (at >= 0) this.targets.splice(at, 1);
    this.instances = this.instances.filter((i) => i !== instance);
    await instance.terminate();
  }

  /** Loses the region's compute and cache: instances and Redis SIGKILLed. */
  async killInstancesAndRedis(): Promise<void> {
    await Promise.all([...this.instances.map((i) => i.kill()), this.redis.kill()]);
  }

  async killInstances(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.kill()));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.kill()));
    await this.redis.destroy();
    await this.alb.close();
  }
}
