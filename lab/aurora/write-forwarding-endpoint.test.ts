// The write-forwarding stand-in against a real primary and a real streaming replica that lags by a fixed
// recovery_min_apply_delay: what each consistency mode waits for, what is forwarded and what is refused.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, createCluster } from '../postgres-cluster.js';
import { WriteForwardingEndpoint } from './write-forwarding-endpoint.js';

const LAG_MS = 400;
let cluster: Cluster;
let endpoint: WriteForwardingEndpoint;
let refusing: WriteForwardingEndpoint;
/** The endpoint of a cluster that is the primary: local write forwarding, leading to the writer itself. */
let primary: WriteForwardingEndpoint;
const clients: pg.Client[] = [];

async function connect(at: WriteForwardingEndpoint, mode?: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: at.url,
    ...(mode ? { options: `-c apg_write_forward.consistency_mode=${mode}` } : {}),
  });
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  cluster = await createCluster(
    async (url) => {
      const admin = new pg.Client({ connectionString: url.replace(/\/edgecart$/, '/postgres') });
      await admin.connect();
      await admin.query('CREATE DATABASE edgecart');
      await admin.end();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
      await c.query('CREATE SEQUENCE counter');
      await c.end();
    },
    async (primaryPort) => primaryPort,
    { recovery_min_apply_delay: `${LAG_MS}ms` },
  );
  const base = {
    local: { port: cluster.replica.port },
    writer: { port: cluster.primary.port },
    defaultMode: 'session' as const,
  };
  endpoint = await new WriteForwardingEndpoint({ name: 'test', writingSelect: 'forward', ...base }).listen();
  refusing = await new WriteForwardingEndpoint({ name: 'test-refusing', writingSelect: 'local', ...base }).listen();
  primary = await new WriteForwardingEndpoint({
    name: 'test-primary',
    writingSelect: 'forward',
    local: { port: cluster.primary.port },
    writer: null,
    defaultMode: 'session',
  }).listen();
}, 90_000);

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
  await endpoint?.close();
  await refusing?.close();
  await primary?.close();
  await cluster?.destroy();
});

/** Statements write forwarding refuses, local and global alike, with what the refusal names. */
const REFUSED: [string, RegExp][] = [
  ['CREATE TABLE t (a int)', /DDL/],
  ['LOCK notes', /LOCK/],
  ["SELECT nextval('counter')", /sequence/],
  ['TRUNCATE notes', /TRUNCATE/],
  ['DECLARE c CURSOR FOR SELECT 1', /cursors/],
  ['SELECT 1 INTO scratch', /SELECT INTO/],
  ['BEGIN ISOLATION LEVEL SERIALIZABLE', /SERIALIZABLE/],
];

let nextId = 1;
const id = () => nextId++;

describe('the write-forwarding endpoint over a lagging replica', () => {
  it('session mode: a connection reads its own forwarded write at once; another connection does not wait for it', async () => {
    const writer = await connect(endpoint, 'session');
    const other = await connect(endpoint, 'session');
    const n = id();
    await writer.query('INSERT INTO notes VALUES ($1, $2)', [n, 'mine']);
    const [own, elsewhere] = await Promise.all([
      writer.query('SELECT body FROM notes WHERE id = $1', [n]),
      other.query('SELECT body FROM notes WHERE id = $1', [n]),
    ]);
    expect(own.rows).toEqual([{ body: 'mine' }]);
    expect(elsewhere.rows).toEqual([]);
  });

  it('eventual mode: even the writing connection reads the lagging replica', async () => {
    const c = await connect(endpoint, 'eventual');
    const n = id();
    await c.query('INSERT INTO notes VALUES ($1, $2)', [n, 'x']);
    expect((await c.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([]);
  });

  it('global mode: a read waits for what any session committed before it began', async () => {
    const writer = await connect(endpoint, 'eventual');
    const reader = await connect(endpoint, 'global');
    const n = id();
    await writer.query('INSERT INTO notes VALUES ($1, $2)', [n, 'shared']);
    const started = Date.now();
    expect((await reader.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'shared' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LAG_MS - 100);
  });

  it('SET apg_write_forward.consistency_mode changes the mode of that session', async () => {
    const c = await connect(endpoint, 'eventual');
    await c.query("SET apg_write_forward.consistency_mode = 'session'");
    const n = id();
    await c.query('INSERT INTO notes VALUES ($1, $2)', [n, 'set']);
    expect((await c.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'set' }]);
  });

  it('forwards SELECT … FOR UPDATE and a transaction sees its own writes, then commits on the writer', async () => {
    const c = await connect(endpoint, 'eventual');
    const n = id();
    await c.query('BEGIN');
    await c.query('INSERT INTO notes VALUES ($1, $2)', [n, 'tx']);
    expect((await c.query('SELECT body FROM notes WHERE id = $1 FOR UPDATE', [n])).rows).toEqual([{ body: 'tx' }]);
    expect((await c.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'tx' }]);
    await c.query('COMMIT');
    const direct = new pg.Client({ connectionString: cluster.primary.url() });
    await direct.connect();
    clients.push(direct);
    expect((await direct.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'tx' }]);
  });

  it('a top-level SELECT over data-modifying CTEs: forwarded, or run on the standby (SQLSTATE 25006), per option', async () => {
    const sql = "WITH w AS (INSERT INTO notes VALUES ($1, 'cte') RETURNING id) SELECT id FROM w";
    const forwarded = await connect(endpoint);
    expect((await forwarded.query(sql, [id()])).rows).toHaveLength(1);
    const local = await connect(refusing);
    await expect(local.query(sql, [id()])).rejects.toMatchObject({ code: '25006' });
    // The same work as a top-level INSERT (documented DML) is forwarded by both.
    await local.query("INSERT INTO notes SELECT $1::int, 'dml'", [id()]);
  });

  it('named prepared statements keep working on both paths', async () => {
    const c = await connect(endpoint);
    for (let i = 0; i < 3; i++) {
      await c.query({ name: 'ins', text: 'INSERT INTO notes VALUES ($1, $2)', values: [id(), 'p'] });
      await c.query({ name: 'sel', text: 'SELECT count(*)::int AS n FROM notes' });
    }
    expect(endpoint.stats.forwarded).toBeGreaterThan(0);
  });
});

/** A query on the primary itself, past every endpoint. */
async function onPrimary(sql: string): Promise<unknown[]> {
  const direct = new pg.Client({ connectionString: cluster.primary.url() });
  await direct.connect();
  try {
    return (await direct.query(sql)).rows;
  } finally {
    await direct.end();
  }
}

// One limitations list for local and global write forwarding (statement-class.ts): the same refusals in either role.
describe.each([
  ['a secondary (global write forwarding)', () => endpoint],
  ['the primary (local write forwarding)', () => primary],
])('what the endpoint of %s refuses', (_role, at) => {
  it.each(REFUSED)('refuses %s with SQLSTATE 0A000 and writes nothing', async (sql, reason) => {
    const before = await onPrimary('SELECT count(*)::int AS n FROM notes');
    const c = await connect(at());
    await expect(c.query(sql)).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(reason) });
    // The connection stays usable.
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await onPrimary('SELECT count(*)::int AS n FROM notes')).toEqual(before);
    expect(await onPrimary("SELECT to_regclass('t') IS NULL AS none")).toEqual([{ none: true }]);
  });

  it('refuses SAVEPOINT inside a transaction, which then fails until its end and rolls back at COMMIT', async () => {
    const c = await connect(at());
    const n = id();
    await c.query('BEGIN');
    await c.query('INSERT INTO notes VALUES ($1, $2)', [n, 'lost']);
    await expect(c.query('SAVEPOINT s')).rejects.toMatchObject({ code: '0A000' });
    await expect(c.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    expect((await c.query('COMMIT')).command).toBe('ROLLBACK');
    const check = await connect(at(), 'global');
    expect((await check.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([]);
    // The connection works again after the transaction ended.
    await c.query('INSERT INTO notes VALUES ($1, $2)', [n, 'kept']);
    expect((await c.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'kept' }]);
  });
});

describe('the endpoint while its cluster is the primary (local write forwarding, to the writer itself)', () => {
  it('runs reads and writes on the writer: another connection reads a write at once, whatever its mode', async () => {
    const writer = await connect(primary, 'eventual');
    const other = await connect(primary, 'eventual');
    const n = id();
    await writer.query('INSERT INTO notes VALUES ($1, $2)', [n, 'primary']);
    expect((await other.query('SELECT body FROM notes WHERE id = $1', [n])).rows).toEqual([{ body: 'primary' }]);
  });

  it("keeps a transaction failed by the client's own statement to PostgreSQL itself", async () => {
    const c = await connect(primary);
    await c.query('BEGIN');
    await expect(c.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(c.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await c.query('ROLLBACK');
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
