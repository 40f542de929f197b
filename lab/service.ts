// One service instance of a region: the real server process on a free 127.0.0.1 port with REGION and the
// region's database and Redis URLs, started the way production starts it. The single switch between a
// compiled build (dist/, `npm run build`) and the TypeScript sources is `serviceCommand()`.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../service/test/reliability/support/ports.js';
import { stop, track } from './processes.js';

// LAB_SERVICE_ROOT runs the service of another checkout (e.g. an export of a commit) against this lab.
const ROOT = process.env.LAB_SERVICE_ROOT ?? fileURLToPath(new URL('../', import.meta.url));

export function serviceRoot(): string {
  return ROOT;
}
/**
 * node's arguments for a service process: exactly `npm start`'s (package.json) when its entry file exists, e.g.
 * the compiled build in dist/ after `npm run build`; otherwise the TypeScript sources through tsx, with the
 * same heap cap. The one switch between the two.
 */
export function serviceCommand(root = ROOT): {
  args: string[];
  env: Record<string, string>;
  build: 'compiled' | 'sources';
} {
  const sources = {
    args: ['--max-old-space-size=192', '--import', 'tsx', 'service/src/server.ts'],
    env: {},
    build: 'sources' as const,
  };
  let start: string | undefined;
  try {
    start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts?.start;
  } catch {
    return sources;
  }
  const words = start?.trim().split(/\s+/) ?? [];
  // Leading NAME=value words are environment settings of the command (e.g. MALLOC_ARENA_MAX=2).
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const entry = words.at(-1);
  if (words[0] !== 'node' || !entry || entry.endsWith('.ts') || !existsSync(join(root, entry))) return sources;
  return { args: words.slice(1), env, build: 'compiled' };
}

export interface InstanceEnv {
  REGION: string;
  DATABASE_URL: string;
  DATABASE_READ_URL?: string;
  REDIS_URL: string;
  /** Anything else a build runs with (the release drill's LAB_FAULT_INJECTION). */
  [setting: string]: string | undefined;
}

export class ServiceInstance {
  private tail = '';

  private constructor(
    readonly name: string,
    /** The public port: what the region's load balancer forwards shoppers to. */
    readonly port: number,
    /** The internal listener (INTERNAL_PORT): /health, /ready and /metrics, for the health checks only. */
    readonly internalPort: number,
    readonly env: InstanceEnv,
    private readonly proc: ChildProcess,
  ) {
    const keep = (c: Buffer) => {
      this.tail = (this.tail + c.toString()).slice(-6_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where the health checks reach the instance, as the ALB's target group checks the internal port. */
  get internalUrl(): string {
    return `http://127.0.0.1:${this.internalPort}`;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  log(): string {
    return this.tail;
  }

  static async start(name: string, env: InstanceEnv): Promise<ServiceInstance> {
    const port = await freePort();
    let internalPort = await freePort();
    while (internalPort === port) internalPort = await freePort();
    const { args, env: startEnv } = serviceCommand();
    const proc = track(
      spawn(process.execPath, args, {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...startEnv,
          // Not `production` only because the lab speaks plain HTTP and production's session cookie is Secure.
          NODE_ENV: 'lab',
          LOG_LEVEL: 'warn',
          // One IP (this machine) sends every shopper's requests: per-IP limits would measure themselves.
          RATE_LIMIT_MAX: '0',
          AUTH_RATE_LIMIT_MAX: '0',
          // As in production (issue #23): /ready, /metrics and /docs only on the internal listener, which the
          // router's health checks probe; the load balancer forwards shoppers to the public port, where they 404.
          INTERNAL_PORT: String(internalPort),
          // Shoppers reuse their accounts all run long: a per-customer cap none of them reaches, so its query
          // still runs on every checkout as in production (issue #23) and the figures include its cost.
          CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY: '1000000',
          SESSION_SECRET: 'edgecart-lab-session-secret-0123456789abcdef',
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
        } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const instance = new ServiceInstance(name, port, internalPort, env, proc);
    // Generous: four processes start at once on a shared 2-core machine.
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (!instance.running) throw new Error(`${name} exited before it answered /health:\n${instance.log()}`);
      // In service once the target group's check passes: /health on the internal port.
      const ok = await fetch(`${instance.internalUrl}/health`, { signal: AbortSignal.timeout(1_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return instance;
      if (Date.now() > deadline) {
        await instance.kill();
        throw new Error(`${name} did not answer /health within 120 s:\n${instance.log()}`);
      }
      await sleep(100);
    }
  }

  /** SIGTERM: the instance drains and exits, as an instance refresh or a scale-in terminates it. */
  async terminate(): Promise<void> {
    await stop(this.proc, 'SIGTERM');
  }

  /** SIGKILL: the instance is lost, no drain. */
  async kill(): Promise<void> {
    await stop(this.proc, 'SIGKILL');
  }
}
