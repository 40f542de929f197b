// Every process a reliability test spawns is registered here, so afterAll (and, as a last resort, this worker's
// exit) kills it even when the test failed half-way. Only processes we started, each by its own pid.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

function running(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** Remembers `proc` until it exits. */
export function track(proc: ChildProcess): ChildProcess {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

/** Resolves with the exit code (or signal name) once `proc` has exited; at once if it already has. */
export function exitOf(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!running(proc)) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** SIGKILLs `proc` (if still running) and waits until it is gone. */
export async function kill(proc: ChildProcess): Promise<void> {
  if (!running(proc)) return;
  const exited = exitOf(proc);
  // A stopped (SIGSTOP) process still dies of SIGKILL.
  proc.kill('SIGKILL');
  await exited;
}

/** Kills every process still running that this worker started. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map(kill));
}

process.once('exit', () => {
  for (const proc of live) if (running(proc)) proc.kill('SIGKILL');
});
