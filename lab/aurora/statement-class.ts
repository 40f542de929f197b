// What Aurora PostgreSQL write forwarding does with one SQL text sent to a reader endpoint: answer it from the
// local replica, forward it to the writer, or refuse it. Classified with PostgreSQL's own parser (libpg-query:
// the server's parser compiled to WASM), not with regular expressions: a statement's kind, its CTEs, its locking
// clause and the functions it calls are read from the parse tree, as the server would read them.
//
// The rules, from the Aurora User Guide ("Limitations and considerations of local write forwarding in Aurora
// PostgreSQL", which the global write forwarding page refers to for SQL compatibility:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-postgresql-write-forwarding-limitations.html
// and https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-apg.html):
// - forwarded: DML (INSERT, UPDATE, DELETE; a multi-part DML statement such as INSERT … SELECT is forwarded
//   whole), SELECT FOR { UPDATE | NO KEY UPDATE | SHARE | KEY SHARE }, PREPARE/EXECUTE of those, EXPLAIN of those;
// - refused: ANALYZE, CLUSTER, COPY, cursors, DDL, GRANT/REVOKE/REASSIGN OWNED/SECURITY LABEL, LISTEN/NOTIFY,
//   LOCK, SAVEPOINT, SELECT INTO, SET CONSTRAINTS, nextval()/setval(), TRUNCATE, two-phase commit, user-defined
//   functions and procedures (DO blocks and CALL included), VACUUM, and the SERIALIZABLE isolation level;
// - everything else a read-only session may run (SELECT, SHOW, SET, BEGIN/COMMIT) runs on the replica.
// Not documented either way: a top-level SELECT whose CTEs modify data (`WITH x AS (UPDATE …) SELECT …`). It is a
// lab option (`writingSelect`): forwarded, or run locally, where a hot standby answers SQLSTATE 25006.
import { loadModule, parseSync } from 'libpg-query';

export type WritingSelect = 'forward' | 'local';

export type StatementClass =
  | { kind: 'read' }
  | { kind: 'forward' }
  | { kind: 'refuse'; reason: string }
  | { kind: 'begin'; serializable: boolean }
  | { kind: 'end' }
  | { kind: 'set'; consistencyMode?: ConsistencyMode; local: boolean }
  | { kind: 'empty' };

export type ConsistencyMode = 'off' | 'eventual' | 'session' | 'global';

export const CONSISTENCY_MODE_SETTING = 'apg_write_forward.consistency_mode';

export interface ClassifyOptions {
  writingSelect: WritingSelect;
  /** Names of the database's user-defined functions (refused like nextval). */
  userFunctions?: ReadonlySet<string>;
}

let ready: Promise<void> | undefined;
/** The parser's WASM module must be loaded once before `classify` is called. */
export function loadParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

type Node = Record<string, unknown>;

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const SEQUENCE_FUNCTIONS = new Set(['nextval', 'setval']);

/** Statement kinds refused by name (the documented list); any other utility statement is DDL, refused too. */
const REFUSED: Record<string, string> = {
  VacuumStmt: 'VACUUM/ANALYZE',
  ClusterStmt: 'CLUSTER',
  CopyStmt: 'COPY',
  DeclareCursorStmt: 'cursors',
  FetchStmt: 'cursors',
  ClosePortalStmt: 'cursors',
  GrantStmt: 'GRANT/REVOKE',
  GrantRoleStmt: 'GRANT/REVOKE',
  ReassignOwnedStmt: 'REASSIGN OWNED',
  SecLabelStmt: 'SECURITY LABEL',
  ListenStmt: 'LISTEN/NOTIFY',
  UnlistenStmt: 'LISTEN/NOTIFY',
  NotifyStmt: 'LISTEN/NOTIFY',
  LockStmt: 'LOCK',
  ConstraintsSetStmt: 'SET CONSTRAINTS',
  TruncateStmt: 'TRUNCATE',
  DoStmt: 'user-defined code (DO)',
  CallStmt: 'user-defined procedures (CALL)',
};

function kindOf(node: Node): [string, Node] {
  const [kind, body] = Object.entries(node)[0] as [string, Node];
  return [kind, body];
}

/** Every function name called anywhere in the tree (last name part, lower case as the parser gives it). */
function calledFunctions(tree: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(tree)) for (const t of tree) calledFunctions(t, into);
  else if (tree && typeof tree === 'object') {
    const call = (tree as Node).FuncCall as { funcname?: { String?: { sval: string } }[] } | undefined;
    const name = call?.funcname?.at(-1)?.String?.sval;
    if (name) into.add(name);
    for (const v of Object.values(tree)) calledFunctions(v, into);
  }
  return into;
}

function writesInCtes(select: Node): boolean {
  const ctes = ((select.withClause as Node | undefined)?.ctes ?? []) as Node[];
  return ctes.some((c) => {
    const query = (c.CommonTableExpr as Node).ctequery as Node;
    return DML.has(kindOf(query)[0]);
  });
}

function isolationIsSerializable(options: unknown): boolean {
  return JSON.stringify(options ?? [])
    .toLowerCase()
    .includes('"serializable"');
}

function classifyOne(stmt: Node, options: ClassifyOptions): StatementClass {
  const [kind, body] = kindOf(stmt);
  const functions = calledFunctions(body);
  for (const f of functions) {
    if (SEQUENCE_FUNCTIONS.has(f)) return { kind: 'refuse', reason: `sequence updates (${f}())` };
    if (options.userFunctions?.has(f)) return { kind: 'refuse', reason: `user-defined functions (${f}())` };
  }
  switch (kind) {
    case 'SelectStmt': {
      if (body.intoClause) return { kind: 'refuse', reason: 'SELECT INTO' };
      if (writesInCtes(body)) return options.writingSelect === 'forward' ? { kind: 'forward' } : { kind: 'read' };
      if (body.lockingClause) return { kind: 'forward' };
      return { kind: 'read' };
    }
    case 'ExplainStmt':
      return classifyOne(body.query as Node, options);
    case 'PrepareStmt':
      return classifyOne(body.query as Node, options);
    case 'ExecuteStmt':
      // The class of what was prepared; the endpoint remembers it (`classifyExecute`). Unknown here: forward.
      return { kind: 'forward' };
    case 'TransactionStmt': {
      const t = String(body.kind);
      if (t === 'TRANS_STMT_BEGIN' || t === 'TRANS_STMT_START')
        return { kind: 'begin', serializable: isolationIsSerializable(body.options) };
      if (t === 'TRANS_STMT_COMMIT' || t === 'TRANS_STMT_ROLLBACK') return { kind: 'end' };
      if (t.includes('SAVEPOINT') || t === 'TRANS_STMT_ROLLBACK_TO') return { kind: 'refuse', reason: 'SAVEPOINT' };
      return { kind: 'refuse', reason: 'two-phase commit' };
    }
    case 'VariableSetStmt': {
      const name = String(body.name ?? '').toLowerCase();
      if (
        (name === 'transaction' ||
          name === 'session characteristics' ||
          name === 'transaction_isolation' ||
          name === 'default_transaction_isolation') &&
        isolationIsSerializable(body.args)
      )
        return { kind: 'refuse', reason: 'SERIALIZABLE isolation' };
      const local = body.is_local === true;
      if (name === CONSISTENCY_MODE_SETTING) {
        const value = JSON.stringify(body.args ?? [])
          .match(/"sval":"(\w+)"/)?.[1]
          ?.toLowerCase();
        const mode = (['off', 'eventual', 'session', 'global'] as const).find((m) => m === value);
        if (body.kind === 'VAR_RESET' || body.kind === 'VAR_SET_DEFAULT') return { kind: 'set', local };
        if (!mode) return { kind: 'refuse', reason: `invalid value for ${CONSISTENCY_MODE_SETTING}` };
        return { kind: 'set', consistencyMode: mode, local };
      }
      return { kind: 'set', local };
    }
    case 'VariableShowStmt':
      return { kind: 'read' };
    case 'DeallocateStmt':
    case 'DiscardStmt':
      return { kind: 'set', local: false };
    default:
      if (DML.has(kind)) return { kind: 'forward' };
      return { kind: 'refuse', reason: REFUSED[kind] ?? `DDL (${kind})` };
  }
}

/**
 * The class of a whole SQL text (a simple Query may hold several statements): refused if any statement is,
 * forwarded if any is forwarded, else the single statement's own class.
 */
export function classify(sql: string, options: ClassifyOptions): StatementClass {
  let parsed: { stmts?: { stmt: Node }[] };
  try {
    parsed = parseSync(sql) as { stmts?: { stmt: Node }[] };
  } catch {
    // A syntax error: the replica answers it as the server would.
    return { kind: 'read' };
  }
  const classes = (parsed.stmts ?? []).map((s) => classifyOne(s.stmt, options));
  if (classes.length === 0) return { kind: 'empty' };
  if (classes.length === 1) return classes[0]!;
  return (
    classes.find((c) => c.kind === 'refuse') ??
    classes.find((c) => c.kind === 'forward') ??
    (classes.every((c) => c.kind === 'read') ? { kind: 'read' } : { kind: 'refuse', reason: 'mixed statements' })
  );
}
