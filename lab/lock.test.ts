// One lab at a time, and a missing PostgreSQL gives one clear line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, LabAlreadyRunning } from './lock.js';
import { findPostgresBin, PostgresMissing } from './postgres-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'edgecart-lab-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the lab lock', () => {
  it('refuses a second lab while the first one holds the lock, naming its pid', () => {
    const file = join(dir, 'a.lock');
    const release = acquireLock(file);
    try {
      expect(() => acquireLock(file)).toThrow(LabAlreadyRunning);
      expect(() => acquireLock(file)).toThrow(`pid ${process.pid}`);
    } finally {
      release();
    }
    // Released: the next lab may start.
    acquireLock(file)();
  });

  it('takes over a lock left by a lab that died', async () => {
    const file = join(dir, 'b.lock');
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.once('exit', r));
    writeFileSync(file, String(child.pid));
    const release = acquireLock(file);
    release();
  });
});

describe('PostgreSQL binaries', () => {
  it('a missing binary gives one clear line naming what to do', () => {
    expect(() => findPostgresBin({ PG_BIN: '/nonexistent/bin' })).toThrow(PostgresMissing);
    try {
      findPostgresBin({ PG_BIN: '/nonexistent/bin' });
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
      expect((err as Error).message).toMatch(/PG_BIN/);
    }
  });
});
