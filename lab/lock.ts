// One rehearsal at a time on a machine: a lock file holding the running lab's pid. A second run while that
// pid is alive stops with a clear message; a lock left by a lab that died is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from './processes.js';

export const LOCK_FILE = join(tmpdir(), 'edgecart-lab.lock');

export class LabAlreadyRunning extends Error {
  constructor(pid: number, file: string) {
    super(`another lab is already running (pid ${pid}, lock ${file}); wait for it to finish or stop it first`);
    this.name = 'LabAlreadyRunning';
  }
}

/** Takes the lock or throws LabAlreadyRunning; returns the function that releases it. */
export function acquireLock(file = LOCK_FILE): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        // Only our own lock: never remove one a later run took over.
        if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) throw new LabAlreadyRunning(holder, file);
      rmSync(file, { force: true }); // stale: its lab is gone
    }
  }
  throw new Error(`could not take the lab lock ${file}`);
}
