// Every process the lab starts is registered here by pid, so teardown (and SIGINT, and an error half-way)
// kills exactly those and nothing else, and the test can prove afterwards that each of them is gone.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
/** Every pid ever started by this lab run (also those that already exited), for the "all gone" check. */
const started = new Set<number>();

function running(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

export function track(proc: ChildProcess): ChildProcess {
  if (proc.pid !== undefined) started.add(proc.pid);
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

/** Records a pid the lab caused to exist without spawning it itself (e.g. a PostgreSQL backend). */
export function remember(pid: number): void {
  started.add(pid);
}

export function startedPids(): number[] {
  return [...started];
}

export function exitOf(proc: ChildProcess): Promise<void> {
  if (!running(proc)) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
export async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!running(proc)) return;
  const exited = exitOf(proc);
  proc.kill('SIGCONT');
  proc.kill(signal);
  await exited;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => stop(p)));
}

/** True while a process with this pid exists (zombies of ours included until reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The direct children of `pid` (Linux /proc), e.g. a postmaster's backends. */
export async function childrenOf(pid: number): Promise<number[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

const tempDirs = new Set<string>();

/** A temporary directory the lab made: removed at teardown, or at exit if teardown never ran. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// Last resort if the lab process ends without teardown (SIGINT half-way through start, an uncaught error):
// nothing it started outlives it, and its temporary directories go with it.
process.once('exit', () => {
  for (const proc of live) if (running(proc)) proc.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});
