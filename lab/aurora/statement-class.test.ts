// The emulator's classification against AWS's own lists ("Limitations and considerations of local write
// forwarding in Aurora PostgreSQL", which the global write forwarding page refers to): each documented example,
// and the shapes the service relies on. What the service really sends is checked in secondary-region.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { classify, loadParser, type StatementClass } from './statement-class.js';

beforeAll(() => loadParser());

const kind = (sql: string, writingSelect: 'forward' | 'local' = 'forward') =>
  classify(sql, { writingSelect, userFunctions: new Set(['my_function']) }).kind;

describe('what Aurora write forwarding forwards', () => {
  it.each([
    'INSERT INTO notes (id, body) VALUES (1, $1)',
    'UPDATE notes SET body = $1 WHERE id = 1',
    'DELETE FROM notes WHERE id = 1',
    // "DML statements might consist of multiple parts, such as INSERT ... SELECT": forwarded whole.
    'INSERT INTO notes SELECT id + 100, body FROM notes',
    'DELETE FROM notes WHERE id IN (SELECT id FROM notes WHERE body = $1)',
    // The fallback checkout's write: a top-level INSERT whose CTEs update and insert (multipart DML).
    `WITH sold AS (UPDATE products SET stock = stock - 1 WHERE id = $1 RETURNING id),
          placed AS (INSERT INTO orders (id) VALUES (gen_random_uuid()) RETURNING id)
     INSERT INTO order_items (order_id, product_id) SELECT placed.id, sold.id FROM placed, sold`,
    'SELECT * FROM notes WHERE id = 1 FOR UPDATE',
    'SELECT * FROM notes WHERE id = 1 FOR NO KEY UPDATE',
    'SELECT * FROM notes WHERE id = 1 FOR SHARE',
    'SELECT * FROM notes WHERE id = 1 FOR KEY SHARE',
    'PREPARE p AS UPDATE notes SET body = $1',
    'EXPLAIN UPDATE notes SET body = body',
    // The service's readiness probe: a write that changes nothing, forwarded like any UPDATE.
    'UPDATE products SET stock = stock WHERE false',
  ])('%s', (sql) => {
    expect(kind(sql)).toBe('forward');
  });
});

describe('what it refuses', () => {
  it.each([
    ['ANALYZE notes'],
    ['VACUUM notes'],
    ['CLUSTER notes'],
    ['COPY notes FROM STDIN'],
    ['DECLARE c CURSOR FOR SELECT * FROM notes'],
    ['CREATE TABLE t (id int)'],
    ['ALTER TABLE notes ADD COLUMN x int'],
    ['GRANT SELECT ON notes TO public'],
    ['LISTEN channel'],
    ['NOTIFY channel'],
    ['LOCK TABLE notes'],
    ['SAVEPOINT s'],
    ['SELECT * INTO copy FROM notes'],
    ['SET CONSTRAINTS ALL DEFERRED'],
    ["SELECT nextval('counter')"],
    ["SELECT setval('counter', 1)"],
    ['TRUNCATE notes'],
    ["PREPARE TRANSACTION 'x'"],
    ['SELECT my_function()'],
    ['DO $$ BEGIN END $$'],
    ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'],
  ])('%s', (sql) => {
    expect(kind(sql)).toBe('refuse');
  });
});

describe('what it answers from the local replica, and the session statements', () => {
  it.each([
    ['SELECT * FROM notes', 'read'],
    ['SELECT count(*) FROM notes WHERE body = $1', 'read'],
    ['SHOW apg_write_forward.consistency_mode', 'read'],
    ['BEGIN', 'begin'],
    ['BEGIN ISOLATION LEVEL REPEATABLE READ', 'begin'],
    ['COMMIT', 'end'],
    ['ROLLBACK', 'end'],
    ["SET apg_write_forward.consistency_mode = 'global'", 'set'],
  ] as [string, StatementClass['kind']][])('%s: %s', (sql, expected) => {
    expect(kind(sql)).toBe(expected);
  });

  it('a SERIALIZABLE transaction is refused when it begins', () => {
    expect(classify('BEGIN ISOLATION LEVEL SERIALIZABLE', { writingSelect: 'forward' })).toEqual({
      kind: 'begin',
      serializable: true,
    });
  });
});

describe('the undocumented shape: a top-level SELECT whose CTEs write (the one-statement checkout)', () => {
  const checkoutShape = `WITH locked AS (SELECT id FROM products WHERE id = $1 FOR UPDATE),
       sold AS (UPDATE products SET stock = stock - 1 WHERE id IN (SELECT id FROM locked) RETURNING id)
  SELECT count(*) FROM sold`;

  it('is forwarded whole, or run locally (where a hot standby answers 25006), as the lab option says', () => {
    expect(kind(checkoutShape, 'forward')).toBe('forward');
    expect(kind(checkoutShape, 'local')).toBe('read');
  });
});
