// A real PostgreSQL primary ("Mumbai") and a streaming hot-standby replica ("London"), created in a temporary
// directory with the machine's own server binaries (initdb, pg_basebackup -R), each on a free 127.0.0.1 port
// with its own socket directory, so the lab never touches the machine's PostgreSQL. PostgreSQL refuses to run
// as root: when the lab runs as root, the server processes run as the `postgres` user.
// fsync is off: the drills kill processes, not the machine, so committed data is still in the page cache and
// what survives a kill is exactly what PostgreSQL acknowledged; the disk flushes only cost a shared machine time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../service/test/reliability/support/ports.js';
import { alive, childrenOf, exitOf, remember, removeTempDir, stop, tempDir, track } from './processes.js';

export class PostgresMissing extends Error {
  constructor(detail: string) {
    super(
      `PostgreSQL server binaries not found (${detail}); install the postgresql package or set PG_BIN to the directory holding initdb`,
    );
    this.name = 'PostgresMissing';
  }
}

/** The directory holding initdb, postgres and pg_basebackup: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(env = process.env): string {
  const has = (dir: string) => ['initdb', 'postgres', 'pg_basebackup'].every((b) => existsSync(join(dir, b)));
  if (env.PG_BIN) {
    if (!has(env.PG_BIN)) throw new PostgresMissing(`PG_BIN=${env.PG_BIN} has no initdb, postgres and pg_basebackup`);
    return env.PG_BIN;
  }
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (has(join(base, v, 'bin'))) return join(base, v, 'bin');
  throw new PostgresMissing(`looked in ${base}/<version>/bin`);
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root, and PostgreSQL refuses root: a `postgres` user is needed to run the lab database',
    );
  }
}

export class PostgresServer {
  private proc?: ChildProcess;
  private tail = '';

  constructor(
    readonly name: string,
    readonly bin: string,
    readonly dataDir: string,
    readonly socketDir: string,
    readonly port: number,
    private readonly user: RunAs,
    /** Server settings (-c); a switchover changes primary_conninfo. */
    readonly settings: Record<string, string> = {},
  ) {}

  url(database = 'edgecart'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    const args = [
      '-D',
      this.dataDir,
      '-p',
      String(this.port),
      '-k',
      this.socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
    ];
    const settings = { fsync: 'off', max_connections: '200', ...this.settings };
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const proc = spawn(join(this.bin, 'postgres'), args, { ...this.user, stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = track(proc);
    proc.stderr?.on('data', (c: Buffer) => {
      this.tail = (this.tail + c.toString()).slice(-4_000);
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} PostgreSQL exited at start:\n${this.tail}`);
      const client = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1_000 });
      const ok = await client.connect().then(
        () => true,
        () => false,
      );
      await client.end().catch(() => {});
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name} PostgreSQL did not accept connections within 30 s:\n${this.tail}`);
      await sleep(100);
    }
  }

  /** SIGKILL, as when the host or the region is lost: no shutdown checkpoint, connections just vanish. */
  async kill(): Promise<void> {
    if (!this.proc) return;
    const children = await childrenOf(this.proc.pid!);
    for (const child of children) remember(child);
    await stop(this.proc, 'SIGKILL');
    // The backends notice their postmaster died and exit on their own; wait for them (they are ours).
    await waitUntilGone(children);
  }

  /** Immediate shutdown (SIGQUIT): the postmaster ends every backend, then exits. */
  async stop(): Promise<void> {
    if (!this.proc) return;
    const children = await childrenOf(this.proc.pid!);
    for (const child of children) remember(child);
    await stop(this.proc, 'SIGQUIT');
    await waitUntilGone(children);
  }

  /** Promotes a standby to a writer (pg_promote waits until it is done). */
  async promote(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query('SELECT pg_promote(true, 30)');
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown (SIGINT): ends sessions, writes the shutdown checkpoint and streams it to standbys, exits. */
  async shutdown(): Promise<void> {
    if (!this.proc || !this.running) return;
    const children = await childrenOf(this.proc.pid!);
    for (const child of children) remember(child);
    await stop(this.proc, 'SIGINT');
    await waitUntilGone(children);
  }

  /** The WAL position of the last checkpoint (after `shutdown`, the end of its WAL), from pg_controldata. */
  lastCheckpoint(): string {
    const out = execFileSync(join(this.bin, 'pg_controldata'), ['-D', this.dataDir], {
      ...this.user,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
    });
    const match = out.match(/Latest checkpoint location:\s+(\S+)/);
    if (!match) throw new Error(`pg_controldata printed no checkpoint location for ${this.name}`);
    return match[1]!;
  }

  /**
   * Restarts this (cleanly shut down) server as a hot standby streaming from `port`: standby.signal and a new
   * primary_conninfo. A primary that shut down cleanly, with its shutdown checkpoint already streamed to the
   * standby that was then promoted, follows that standby's new timeline without pg_rewind.
   */
  async startAsStandby(port: number, applicationName: string): Promise<void> {
    writeFileSync(join(this.dataDir, 'standby.signal'), '');
    if (this.user.uid !== undefined) chownSync(join(this.dataDir, 'standby.signal'), this.user.uid, this.user.gid!);
    this.settings.primary_conninfo = `host=127.0.0.1 port=${port} user=postgres application_name=${applicationName}`;
    this.settings.wal_retrieve_retry_interval = '500ms';
    await this.start();
  }

  /** The replay position (standby) or the current WAL position (primary). */
  async position(): Promise<string> {
    const client = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ p: string }>(
        'SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS p',
      );
      return rows[0]!.p;
    } finally {
      await client.end();
    }
  }

  exited(): Promise<void> {
    return this.proc ? exitOf(this.proc) : Promise.resolve();
  }
}

async function waitUntilGone(pids: number[], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
}

export interface Cluster {
  dir: string;
  primary: PostgresServer;
  replica: PostgresServer;
  /** Stops both servers and removes the directory. */
  destroy(): Promise<void>;
}

function run(bin: string, args: string[], user: RunAs): void {
  try {
    execFileSync(bin, args, {
      ...user,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/**
 * initdb a primary, start it, then (after `prepare` has migrated and seeded it) take a base backup with -R and
 * start the replica streaming from `replicationPort`: the port of the Mumbai↔London link, so replication
 * crosses the same delayed path as London's writes and the replica lags as it would.
 */
export async function createCluster(
  prepare: (primaryUrl: string) => Promise<void>,
  replicationTarget: (primaryPort: number) => Promise<number>,
  /** Extra replica settings, e.g. recovery_min_apply_delay for a deterministic lag in tests. */
  replicaSettings: Record<string, string> = {},
): Promise<Cluster> {
  const bin = findPostgresBin();
  const user = runAs();
  const dir = tempDir('edgecart-lab-pg-');
  const primaryDir = join(dir, 'mumbai');
  const replicaDir = join(dir, 'london');
  const socketDir = join(dir, 'sockets');
  mkdirSync(socketDir);
  if (user.uid !== undefined) for (const d of [dir, socketDir]) chownSync(d, user.uid, user.gid!);
  const servers: PostgresServer[] = [];
  const destroy = async () => {
    for (const s of servers) await s.stop().catch(() => {});
    removeTempDir(dir);
  };
  try {
    run(
      join(bin, 'initdb'),
      ['-D', primaryDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      user,
    );
    const primary = new PostgresServer('Mumbai (primary)', bin, primaryDir, socketDir, await freePort(), user);
    servers.push(primary);
    await primary.start();
    await prepare(primary.url());
    run(
      join(bin, 'pg_basebackup'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        replicaDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
        '--no-sync',
      ],
      user,
    );
    const linkPort = await replicationTarget(primary.port);
    const replica = new PostgresServer('London (replica)', bin, replicaDir, socketDir, await freePort(), user, {
      // Through the Mumbai↔London link rather than straight to the primary (overrides what -R wrote).
      primary_conninfo: `host=127.0.0.1 port=${linkPort} user=postgres application_name=london`,
      // Reconnect soon after the link heals (default 5 s).
      wal_retrieve_retry_interval: '500ms',
      ...replicaSettings,
    });
    servers.push(replica);
    await replica.start();
    return { dir, primary, replica, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}
