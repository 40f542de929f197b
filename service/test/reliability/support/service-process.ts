// Spawns the real service exactly as `npm start` does (`node --import tsx service/src/server.ts`) on a free
// 127.0.0.1 port, waits until /health answers, and keeps the tail of its log for failure messages.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.js';
import { exitOf, kill, track } from './processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOG_TAIL_CHARS = 8_000;
// Below vitest's 60 s hook timeout, so a service that never starts fails with its own log tail.
const START_TIMEOUT_MS = 45_000;

export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  /** Last lines the service wrote. */
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGTERM for a graceful shutdown). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, as when an instance dies. */
  kill(): Promise<void>;
}

export interface StartServiceOptions {
  /** Called with every line the service logs (pino JSON), e.g. to account for each request it accepted. */
  onLogLine?: (line: string) => void;
}

export async function startService(
  name: string,
  env: Record<string, string>,
  options: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = track(
    spawn(process.execPath, ['--import', 'tsx', 'service/src/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_MAX: '0',
        AUTH_RATE_LIMIT_MAX: '0',
        // /ready and /metrics on the service's one port (no internal listener; many processes share the machine).
        INTERNAL_PORT: '0',
        ORDER_MAX_UNITS_PER_PRODUCT: '99',
        CUSTOMER_MAX_UNITS_PER_PRODUCT_PER_DAY: '0',
        REGION: 'test-region-1',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let tail = '';
  const reader = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-LOG_TAIL_CHARS);
      if (!options.onLogLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) options.onLogLine(line);
    };
  };
  proc.stdout?.on('data', reader());
  proc.stderr?.on('data', reader());
  const exited = exitOf(proc);

  // A hang guard, not a performance bound: tsx compiles the service at start, which takes tens of seconds when
  // the shared two-core machine is busy with other test files.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} before it was ready:\n${tail}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await kill(proc);
      throw new Error(`${name} did not answer /health within ${START_TIMEOUT_MS / 1000} s:\n${tail}`);
    }
    await sleep(100);
  }
  return {
    name,
    port,
    url,
    proc,
    log: () => tail,
    exited,
    signal: (signal) => proc.kill(signal),
    kill: () => kill(proc),
  };
}
