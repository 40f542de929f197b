// A stand-in for the reader endpoint of an Aurora PostgreSQL global database member, as the service sees it at
// DATABASE_URL (infra/region/index.ts, serviceWriteEndpoint). While its cluster is the primary, Aurora's local
// write forwarding sends writes to the in-region writer; the lab's region has no reader instance of its own
// there, so the endpoint leads straight to the writer (the in-region hop costs no crossing), refusing what local
// write forwarding refuses (the same list as global write forwarding). While its cluster is
// a secondary it is a global write-forwarding instance: every statement is classified (statement-class.ts) and
//   - reads run on the region's own replica, after the wait the session's consistency mode asks for:
//     `eventual` none; `session` until the replica has replayed this connection's own forwarded writes;
//     `global` until it has replayed everything the writer had committed when the read began (one round trip to
//     the writer for its commit point); "It doesn't wait for updated results from write operations performed in
//     other Regions or in other sessions" (session mode), Aurora User Guide, "Using write forwarding in an Aurora
//     PostgreSQL global database";
//   - forwarded statements cross the inter-region link to the writer on a connection of the session's own, inside
//     the same transaction once one is open there (BEGIN is replayed on the writer before the first forwarded
//     statement; everything after it in the transaction runs there too, so it sees its own writes);
//   - refused statements answer an error (SQLSTATE 0A000; AWS documents no code) and lose nothing.
// Replay positions are PostgreSQL's own: pg_current_wal_lsn() on the writer right after a forwarded statement (in
// the same network exchange, so it costs no extra round trip, as Aurora's forwarded reply carries its position)
// and pg_last_wal_replay_lsn() on the replica, so the waits are exact.
// Hand-written: pgpool-II (Debian) splits reads from writes with PostgreSQL's parser, but has no per-connection
// replay waits, no refusal of Aurora's unsupported statements and no switchover of the writer path.
import { type Server, type Socket, connect } from 'node:net';
import { listenOnLoopback } from '../loopback.js';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  CANCEL_REQUEST,
  commandComplete,
  describeTarget,
  errorCode,
  errorResponse,
  firstColumn,
  GSSENC_REQUEST,
  lsn,
  type Message,
  MessageReader,
  parseFields,
  query,
  queryText,
  readyForQuery,
  readyStatus,
  SSL_REQUEST,
  startupCode,
} from './pg-wire.js';
import {
  CONSISTENCY_MODE_SETTING,
  type ConsistencyMode,
  classify,
  loadParser,
  type StatementClass,
  type WritingSelect,
} from './statement-class.js';

export interface Target {
  host?: string;
  port: number;
}

export interface EndpointOptions {
  name: string;
  /** The region's own database server (the replica while secondary, the writer while primary). */
  local: Target;
  /** Where forwarded statements go (the writer across the inter-region link); null while this cluster is primary. */
  writer: Target | null;
  writingSelect: WritingSelect;
  /** The cluster parameter group's apg_write_forward.consistency_mode (sessions may SET their own). */
  defaultMode: ConsistencyMode;
  /** Longest a read waits for the replica before it fails (SQLSTATE 57014). */
  maxWaitMs?: number;
}

/** What the endpoint did with each batch of statements, for the tests and the lab report. */
export interface EndpointStats {
  local: number;
  forwarded: number;
  refused: { sql: string; reason: string }[];
  /** Milliseconds reads spent waiting for the replica, per consistency mode. */
  waitedMs: Record<ConsistencyMode, number[]>;
  /** Every distinct SQL text classified, with what it was classified as. */
  seen: Map<string, StatementClass['kind']>;
}

const FEATURE_NOT_SUPPORTED = '0A000';
const IN_FAILED_TRANSACTION = '25P02';
const QUERY_CANCELED = '57014';

/** One backend connection and the queue of exchanges waiting for their ReadyForQuery. */
class Backend {
  private readonly reader = new MessageReader(false);
  private readonly waiting: { onMessage: (m: Message) => void; done: (status: 'I' | 'T' | 'E') => void }[] = [];
  readonly parsed = new Set<string>();
  closed = false;

  private constructor(
    readonly socket: Socket,
    private readonly onClose: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const m of this.reader.push(chunk)) this.dispatch(m);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) {
        w.onMessage(lost());
        w.done('E');
      }
      this.onClose();
    });
  }

  /** Connects and completes the startup (trust authentication); resolves with what the server said. */
  static open(target: Target, startup: Buffer, onClose: () => void): Promise<{ backend: Backend; hello: Message[] }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host ?? '127.0.0.1', port: target.port });
      const backend = new Backend(socket, onClose);
      const hello: Message[] = [];
      let failed = false;
      socket.once('error', reject);
      backend.waiting.push({
        onMessage: (m) => {
          hello.push(m);
          // A startup error ends the connection with no ReadyForQuery.
          if (m.type === 'E' && !failed) {
            failed = true;
            reject(new Error('startup refused'));
          }
        },
        done: () => (failed ? undefined : resolve({ backend, hello })),
      });
      socket.write(startup);
    });
  }

  private dispatch(m: Message): void {
    const head = this.waiting[0];
    if (!head) return; // a NoticeResponse or ParameterStatus between exchanges
    head.onMessage(m);
    if (m.type === 'Z') {
      this.waiting.shift();
      head.done(readyStatus(m));
    }
  }

  /**
   * Sends bytes and resolves with the final status of the next exchange. Pipelined exchanges register one call
   * each, in order; their bytes may all go in the first call (an empty buffer for the others).
   */
  exchange(bytes: Buffer, onMessage: (m: Message) => void = () => {}): Promise<'I' | 'T' | 'E'> {
    if (this.closed) {
      onMessage(lost());
      return Promise.resolve('E');
    }
    return new Promise((resolve) => {
      this.waiting.push({ onMessage, done: resolve });
      if (bytes.length) this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function lost(): Message {
  const raw = errorResponse('08006', 'write forwarding connection lost');
  return { type: 'E', raw, body: raw.subarray(5) };
}

/** Reads the replica's replay position (shared by every session of the endpoint). */
class ReplayWatcher {
  private client?: pg.Client;
  private position = 0n;
  private polling?: Promise<void>;
  private waiters = 0;

  constructor(private readonly target: Target) {}

  async waitFor(target: bigint, maxMs: number): Promise<boolean> {
    if (this.position >= target) return true;
    this.waiters++;
    try {
      const deadline = Date.now() + maxMs;
      this.polling ??= this.poll();
      while (this.position < target) {
        if (Date.now() > deadline) return false;
        await sleep(2);
      }
      return true;
    } finally {
      this.waiters--;
    }
  }

  private async poll(): Promise<void> {
    try {
      while (this.waiters > 0) {
        if (!this.client) {
          const client = new pg.Client({
            host: this.target.host ?? '127.0.0.1',
            port: this.target.port,
            user: 'postgres',
            database: 'postgres',
          });
          client.on('error', () => {});
          await client.connect();
          this.client = client;
        }
        const { rows } = await this.client.query<{ p: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS p');
        this.position = lsn(rows[0]!.p);
        await sleep(2);
      }
    } catch {
      await this.client?.end().catch(() => {});
      this.client = undefined;
      await sleep(50);
    } finally {
      this.polling = undefined;
      if (this.waiters > 0) this.polling = this.poll();
    }
  }

  async close(): Promise<void> {
    this.waiters = 0;
    await this.client?.end().catch(() => {});
  }
}

export class WriteForwardingEndpoint {
  private server?: Server;
  private readonly sessions = new Set<Session>();
  private watcher: ReplayWatcher;
  port = 0;
  readonly stats: EndpointStats = {
    local: 0,
    forwarded: 0,
    refused: [],
    waitedMs: { off: [], eventual: [], session: [], global: [] },
    seen: new Map(),
  };

  constructor(readonly options: EndpointOptions) {
    this.watcher = new ReplayWatcher(options.local);
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/edgecart`;
  }

  /** True while this cluster is a secondary (statements are classified and forwarded). */
  get forwarding(): boolean {
    return this.options.writer !== null;
  }

  async listen(): Promise<this> {
    await loadParser();
    ({ server: this.server, port: this.port } = await listenOnLoopback((socket) => {
      const session = new Session(this, this.watcher, socket);
      this.sessions.add(session);
      socket.once('close', () => this.sessions.delete(session));
    }));
    return this;
  }

  /**
   * A switchover or failover changed this cluster's role: `local` is its own server, `writer` where forwarded
   * statements now go (null: this cluster is the primary). Every open connection is closed, as Aurora closes
   * forwarded sessions when the writer changes; clients reconnect to the same endpoint.
   */
  setRole(local: Target, writer: Target | null): void {
    this.options.local = local;
    this.options.writer = writer;
    void this.watcher.close();
    this.watcher = new ReplayWatcher(local);
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
    await this.watcher.close();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/** One client connection. */
class Session {
  private readonly reader = new MessageReader(true);
  private local?: Backend;
  private writer?: Backend;
  private writerOpening?: Promise<Backend>;
  private startup?: Buffer;
  private mode: ConsistencyMode;
  private txMode?: ConsistencyMode;
  private batch: Message[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Client-visible transaction state and where it lives. */
  private inTransaction = false;
  private beginSql = 'BEGIN';
  private writerInTransaction = false;
  private failedTransaction = false;
  /** The writer's WAL position after this connection's last forwarded write. */
  private lastWrite = 0n;
  /** Classes of named prepared statements, and their Parse messages to replay on a new backend. */
  private readonly statements = new Map<string, { cls: StatementClass; parse: Message }>();
  /** Session settings (SET) to replay on the writer connection when it opens. */
  private readonly settings: Buffer[] = [];

  constructor(
    private readonly endpoint: WriteForwardingEndpoint,
    private readonly watcher: ReplayWatcher,
    private readonly client: Socket,
  ) {
    this.mode = endpoint.options.defaultMode;
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    client.on('close', () => this.destroy());
    client.on('data', (chunk: Buffer) => {
      for (const m of this.reader.push(chunk))
        this.queue = this.queue.then(() => this.onMessage(m)).catch(() => this.destroy());
    });
  }

  destroy(): void {
    this.client.destroy();
    this.local?.close();
    this.writer?.close();
  }

  private get opts() {
    return this.endpoint.options;
  }

  private async onMessage(m: Message): Promise<void> {
    if (!this.startup) return this.onStartup(m);
    if (m.type === 'X') return this.destroy();
    this.batch.push(m);
    if (m.type === 'S' || m.type === 'Q') {
      const batch = this.batch;
      this.batch = [];
      await this.run(batch);
    }
  }

  private async onStartup(m: Message): Promise<void> {
    const code = startupCode(m);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.client.write('N');
      return;
    }
    if (code === CANCEL_REQUEST) return this.destroy();
    this.reader.untyped = false;
    this.startup = Buffer.from(m.raw);
    const mode = m.raw
      .toString('utf8')
      .match(new RegExp(`${CONSISTENCY_MODE_SETTING.replace('.', '\\.')}=(\\w+)`))?.[1];
    if (mode && ['off', 'eventual', 'session', 'global'].includes(mode)) this.mode = mode as ConsistencyMode;
    try {
      const { backend, hello } = await Backend.open(this.opts.local, this.startup, () => this.destroy());
      this.local = backend;
      for (const h of hello) this.client.write(h.raw);
    } catch {
      this.client.end(errorResponse('08006', `${this.opts.name}: the database instance is not reachable`));
    }
  }

  private async writerBackend(): Promise<Backend> {
    if (this.writer && !this.writer.closed) return this.writer;
    this.writerOpening ??= (async () => {
      const target = this.opts.writer;
      if (!target) throw new Error('no writer');
      // Declared first: the connection may close before open() resolves (a partitioned link being healed).
      let opened: Backend | undefined;
      const { backend } = await Backend.open(target, this.startup!, () => {
        if (opened && this.writer === opened) this.writer = undefined;
      });
      opened = backend;
      for (const s of this.settings) await backend.exchange(s);
      this.writer = backend;
      return backend;
    })().finally(() => {
      this.writerOpening = undefined;
    });
    return this.writerOpening;
  }

  private classifyText(text: string): StatementClass {
    const cls = classify(text, { writingSelect: this.opts.writingSelect });
    this.endpoint.stats.seen.set(text, cls.kind);
    return cls;
  }

  /** The class of a batch: every Parse/Query in it, or the remembered class of the statement it binds. */
  private classOf(batch: Message[]): StatementClass {
    const classes: StatementClass[] = [];
    for (const m of batch) {
      if (m.type === 'Q') classes.push(this.classifyText(queryText(m)));
      else if (m.type === 'P') {
        const { name, text } = parseFields(m);
        const cls = this.classifyText(text);
        if (name) this.statements.set(name, { cls, parse: m });
        classes.push(cls);
      } else if (m.type === 'B' || m.type === 'D' || m.type === 'C') {
        const name = m.type === 'B' ? parseBindName(m) : describeTarget(m).what === 'S' ? describeTarget(m).name : '';
        const known = name ? this.statements.get(name) : undefined;
        if (known && !batch.some((p) => p.type === 'P')) classes.push(known.cls);
      }
    }
    return (
      classes.find((c) => c.kind === 'refuse') ??
      classes.find((c) => c.kind === 'forward') ??
      classes[0] ?? { kind: 'empty' }
    );
  }

  private relayUntilReady(): (m: Message) => void {
    return (m) => this.client.write(m.raw);
  }

  private refuse(reason: string, code = FEATURE_NOT_SUPPORTED, sql = ''): void {
    if (code === FEATURE_NOT_SUPPORTED) this.endpoint.stats.refused.push({ sql, reason });
    if (this.inTransaction) this.failedTransaction = true;
    this.client.write(
      Buffer.concat([
        errorResponse(
          code,
          code === FEATURE_NOT_SUPPORTED ? `${reason} is not supported with write forwarding` : reason,
        ),
        readyForQuery(this.inTransaction ? 'E' : 'I'),
      ]),
    );
  }

  /** Adds the Parse messages a backend has not seen for the named statements this batch binds. */
  private withParses(backend: Backend, batch: Message[]): Buffer {
    const parts: Buffer[] = [];
    for (const m of batch) {
      if (m.type === 'P') {
        const { name } = parseFields(m);
        if (name) backend.parsed.add(name);
      } else if (m.type === 'B') {
        const name = parseBindName(m);
        const known = name ? this.statements.get(name) : undefined;
        if (known && !backend.parsed.has(name)) {
          parts.push(known.parse.raw);
          backend.parsed.add(name);
        }
      }
      parts.push(m.raw);
    }
    return Buffer.concat(parts);
  }

  private async run(batch: Message[]): Promise<void> {
    const local = this.local!;
    const cls = this.classOf(batch);
    const sql = batch.map((m) => (m.type === 'Q' ? queryText(m) : m.type === 'P' ? parseFields(m).text : '')).join('');
    // What either kind of write forwarding refuses, in either role (statement-class.ts).
    if (this.failedTransaction && cls.kind !== 'end') {
      return this.refuse(
        'current transaction is aborted, commands ignored until end of transaction block',
        IN_FAILED_TRANSACTION,
      );
    }
    if (cls.kind === 'refuse') return this.refuse(cls.reason, FEATURE_NOT_SUPPORTED, sql);
    if (cls.kind === 'begin' && cls.serializable)
      return this.refuse('SERIALIZABLE isolation', FEATURE_NOT_SUPPORTED, sql);
    if (!this.endpoint.forwarding) return this.onWriter(batch, cls, sql);
    switch (cls.kind) {
      case 'begin':
        this.beginSql = sql.trim() || 'BEGIN';
        this.inTransaction = true;
        this.endpoint.stats.local++;
        await local.exchange(this.withParses(local, batch), this.relayUntilReady());
        return;
      case 'end':
        return this.end(batch, sql);
      case 'set':
        if (cls.consistencyMode) {
          if (cls.local) this.txMode = cls.consistencyMode;
          else this.mode = cls.consistencyMode;
        }
        if (!cls.local && !this.inTransaction) this.settings.push(Buffer.concat(batch.map((m) => m.raw)));
        if (this.writer && !this.writer.closed) await this.writer.exchange(this.withParses(this.writer, batch));
        await local.exchange(this.withParses(local, batch), this.relayUntilReady());
        return;
      case 'forward':
        return this.forward(batch);
      default:
        if (this.writerInTransaction) return this.forward(batch, false);
        return this.read(batch);
    }
  }

  /**
   * This cluster is the primary. In AWS its reader endpoint leads to a reader instance with local write forwarding,
   * which refuses the same SQL as global write forwarding (the Aurora User Guide has one limitations page for both,
   * statement-class.ts; run() refused it already). The lab's region has no reader instance there, so the rest runs
   * on the writer itself; a transaction ends as on a secondary (end(): one failed by a refusal rolls back).
   */
  private async onWriter(batch: Message[], cls: StatementClass, sql: string): Promise<void> {
    if (cls.kind === 'end') return this.end(batch, sql);
    const local = this.local!;
    const status = await local.exchange(this.withParses(local, batch), this.relayUntilReady());
    // The writer's own answer says whether a transaction is open ('T') or failed by the client's statement ('E').
    this.inTransaction = status !== 'I';
  }

  private async read(batch: Message[]): Promise<void> {
    const mode = this.txMode ?? this.mode;
    const started = Date.now();
    let target = 0n;
    if (mode === 'session') target = this.lastWrite;
    else if (mode === 'global') {
      // The writer's commit point as the read begins: one exchange with the writer.
      let writer: Backend;
      try {
        writer = await this.writerBackend();
      } catch {
        return this.refuse(`${this.opts.name}: the writer is not reachable`, '08006');
      }
      let position: string | null = null;
      await writer.exchange(query('SELECT pg_current_wal_lsn()::text'), (m) => {
        if (m.type === 'D') position = firstColumn(m);
      });
      target = lsn(position);
    }
    if (target > 0n && !(await this.watcher.waitFor(target, this.opts.maxWaitMs ?? 10_000))) {
      return this.refuse('canceling statement: the replica did not catch up with the writer in time', QUERY_CANCELED);
    }
    if (mode === 'session' || mode === 'global') this.endpoint.stats.waitedMs[mode].push(Date.now() - started);
    this.endpoint.stats.local++;
    const local = this.local!;
    await local.exchange(this.withParses(local, batch), (m) => {
      if (m.type === 'Z' && readyStatus(m) === 'E') this.failedTransaction = this.inTransaction;
      this.client.write(m.raw);
    });
  }

  private async forward(batch: Message[], count = true): Promise<void> {
    let writer: Backend;
    try {
      writer = await this.writerBackend();
    } catch {
      return this.refuse(`${this.opts.name}: the writer is not reachable`, '08006');
    }
    if (count) this.endpoint.stats.forwarded++;
    const parts: Buffer[] = [];
    // The transaction moves to the writer with its first forwarded statement: BEGIN goes in the same exchange.
    let begin: Promise<unknown> | undefined;
    if (this.inTransaction && !this.writerInTransaction) {
      this.writerInTransaction = true;
      parts.push(query(this.beginSql));
      begin = writer.exchange(Buffer.alloc(0));
    }
    parts.push(this.withParses(writer, batch));
    // The writer's WAL position right after the statement, in the same exchange.
    parts.push(query('SELECT pg_current_wal_lsn()::text'));
    const bytes = Buffer.concat(parts);
    const result = writer.exchange(bytes, (m) => this.client.write(m.raw));
    let position: string | null = null;
    const after = writer.exchange(Buffer.alloc(0), (m) => {
      if (m.type === 'D') position = firstColumn(m);
    });
    await begin;
    const status = await result;
    await after;
    if (status !== 'E' && position) this.lastWrite = lsn(position);
    if (status === 'E' && this.inTransaction) this.failedTransaction = true;
    if (status === 'I') this.writerInTransaction = false;
  }

  private async end(batch: Message[], sql: string): Promise<void> {
    const local = this.local!;
    if (this.failedTransaction) {
      // Whatever the client asked (COMMIT or ROLLBACK), a failed transaction rolls back.
      if (this.writerInTransaction) await this.writer?.exchange(query('ROLLBACK'));
      await local.exchange(query('ROLLBACK'));
      this.resetTransaction();
      this.client.write(Buffer.concat([commandComplete('ROLLBACK'), readyForQuery('I')]));
      return;
    }
    if (this.writerInTransaction && this.writer) {
      this.endpoint.stats.forwarded++;
      let position: string | null = null;
      const writer = this.writer;
      const result = writer.exchange(
        Buffer.concat([this.withParses(writer, batch), query('SELECT pg_current_wal_lsn()::text')]),
        (m) => this.client.write(m.raw),
      );
      const after = writer.exchange(Buffer.alloc(0), (m) => {
        if (m.type === 'D') position = firstColumn(m);
      });
      const status = await result;
      await after;
      if (status !== 'E' && position && /commit|end/i.test(sql)) this.lastWrite = lsn(position);
      await local.exchange(query('ROLLBACK'));
    } else {
      this.endpoint.stats.local++;
      await local.exchange(this.withParses(local, batch), this.relayUntilReady());
    }
    this.resetTransaction();
  }

  private resetTransaction(): void {
    this.inTransaction = false;
    this.writerInTransaction = false;
    this.failedTransaction = false;
    this.txMode = undefined;
  }
}

function parseBindName(m: Message): string {
  const portalEnd = m.body.indexOf(0);
  return m.body.toString('utf8', portalEnd + 1, m.body.indexOf(0, portalEnd + 1));
}

export { errorCode };
