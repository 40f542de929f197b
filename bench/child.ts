// Starts a server as a child process (the service, or a ceiling) on a free 127.0.0.1 port, waits until it
// answers (timing its start-up), and reads its memory from /proc (Linux): VmRSS now, VmHWM = peak since start.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  name: string;
  url: string;
  /** The service's internal listener (INTERNAL_PORT: /metrics, /ready), on a port of its own. */
  internalUrl: string;
  pid: number;
  /** From spawn to the first 200 on the ready path (the start-up an instance refresh waits for). */
  startupMs: number;
  rssBytes(): Promise<number>;
  peakRssBytes(): Promise<number>;
  /** CPU time the process has used so far (user + system), in seconds. */
  cpuSeconds(): Promise<number>;
  /** Last lines the process wrote (its log), for error messages. */
  output(): string;
  /** Throws if the process has died although nobody asked it to stop (a crash, or a signal from outside). */
  assertAlive(): void;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`${field} missing for pid ${pid}`);
  return Number(kb) * 1024;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux unless the kernel says otherwise). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of /proc/<pid>/stat (fields 14 and 15; counted after the parenthesised name, which may hold spaces). */
async function procCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export interface StartOptions {
  name: string;
  /** JavaScript (.js, .cjs, .mjs) runs as it is, as `npm start` runs the built service; TypeScript under tsx. */
  script: string;
  env: Record<string, string>;
  /** Extra flags for node, e.g. --cpu-prof. */
  nodeArgs?: string[];
  readyPath?: string;
  timeoutMs?: number;
}

export async function startChild(options: StartOptions): Promise<Child> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const internalPort = await freePort();
  // The log goes to a file, not a pipe: reading tens of thousands of log lines a second would cost the load
  // generator (this process) CPU that belongs to the measurement.
  const logPath = join(tmpdir(), `edgecart-bench-${process.pid}-${port}.log`);
  const logFd = openSync(logPath, 'w');
  const loader = /\.[cm]?js$/.test(options.script) ? [] : ['--import', 'tsx'];
  const spawnedAt = performance.now();
  const proc: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.script], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...options.env, PORT: String(port), INTERNAL_PORT: String(internalPort), HOST: '127.0.0.1' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const tail = () => {
    try {
      return readFileSync(logPath, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  let stopping = false;
  let death: string | undefined;
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code, signal) => {
      if (!stopping) {
        death = `${options.name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${logPath}`;
        process.stderr.write(`[bench] ${death}\n`);
      }
      resolve(code);
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${options.name} exited with ${proc.exitCode}:\n${tail()}`);
    try {
      const res = await fetch(url + (options.readyPath ?? '/health'));
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready:\n${tail()}`);
    }
    await sleep(10);
  }
  const startupMs = performance.now() - spawnedAt;
  const pid = proc.pid!;
  // A build from before issue #23 (--service, to compare) has no internal listener: its /metrics is on its port.
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  const hasInternalListener = await fetch(`${internalUrl}/health`).then(
    (res) => res.ok,
    () => false,
  );
  return {
    name: options.name,
    url,
    internalUrl: hasInternalListener ? internalUrl : url,
    pid,
    startupMs,
    rssBytes: () => procStatus(pid, 'VmRSS'),
    peakRssBytes: () => procStatus(pid, 'VmHWM'),
    cpuSeconds: () => procCpuSeconds(pid),
    output: tail,
    assertAlive() {
      if (death !== undefined) throw new Error(death);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      stopping = true;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      rmSync(logPath, { force: true });
      return code;
    },
  };
}
