// Expand/contract for migrations (issue #21). A release's migrations run in the primary region before its instances
// start (RUN_MIGRATIONS), while the previous release still serves: the old instances the refresh has not replaced
// yet, every secondary region until its own deploy, and the whole fleet again if the refresh rolls back. So a
// migration must leave the schema usable by the previous release ("expand"); removing what the previous release
// still uses ("contract") waits for a later release, once no instance runs the code that needs it.
//
// This finds the statements that break the previous release: DROP TABLE / DROP COLUMN / DROP TYPE, TRUNCATE,
// RENAME of a table, column, constraint or enum value, ALTER COLUMN ... TYPE, SET NOT NULL and DROP DEFAULT (the
// previous release inserts rows that leave the column to its default), ADD COLUMN ... NOT NULL without a DEFAULT
// (the previous release inserts rows without it), and a new constraint or unique index on a table the previous
// release writes (ADD CONSTRAINT / PRIMARY KEY / UNIQUE / CHECK / FOREIGN KEY / EXCLUDE, CREATE UNIQUE INDEX: its
// writes may violate what it does not know about; on a table created by the same migration they are part of the
// expand). A migration may do them only as a contract
// step: its first line says which earlier migration expanded for it,
//   -- contract of 20261201000000_add_order_notes: the previous release no longer reads orders.note
// and that migration must exist and be older. Hand-written: Prisma has no such check, and the SQL it generates
// (scripts/migration-diff.sh) is plain enough to read statement by statement.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  migration: string;
  statement: string;
  why: string;
}

const RULES: [RegExp, string][] = [
  [/^DROP\s+TABLE\b/i, 'drops a table the previous release reads or writes'],
  [
    /^ALTER\s+TABLE\b.*\bDROP\s+(COLUMN\b|(?!CONSTRAINT\b|DEFAULT\b|NOT\b)"?\w)/is,
    'drops a column the previous release uses',
  ],
  [/^ALTER\s+TABLE\b.*\bRENAME\b/is, 'renames what the previous release names'],
  [/^ALTER\s+TYPE\b.*\bRENAME\b/is, 'renames an enum or its value the previous release uses'],
  [/^DROP\s+TYPE\b/i, 'drops a type the previous release uses'],
  [
    /^ALTER\s+TABLE\b.*\bALTER\s+(COLUMN\s+)?"?\w+"?\s+(SET\s+DATA\s+)?TYPE\b/is,
    'changes a column type under the previous release',
  ],
  [/^ALTER\s+TABLE\b.*\bSET\s+NOT\s+NULL\b/is, 'makes a column required that the previous release may leave empty'],
  [/^ALTER\s+TABLE\b.*\bDROP\s+DEFAULT\b/is, 'drops a default the previous release relies on when it inserts'],
  [/^TRUNCATE\b/i, 'deletes every row of a table the previous release uses'],
];

/** Rules for what a migration adds to an existing table: a table it creates itself is not the previous release's. */
const EXISTING_TABLE_RULES: [RegExp, string][] = [
  [
    /^ALTER\s+TABLE\b.*\bADD\s+(CONSTRAINT\s+"?\w+"?\s+)?(CHECK|UNIQUE|PRIMARY\s+KEY|FOREIGN\s+KEY|EXCLUDE)\b/is,
    "adds a constraint the previous release's writes may violate",
  ],
  [/^CREATE\s+UNIQUE\s+INDEX\b/i, "adds a unique index the previous release's writes may violate"],
];

/** The table an ALTER TABLE or CREATE INDEX statement is about (unquoted, without its schema). */
function tableOf(statement: string): string | undefined {
  const name =
    /^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?((?:"?\w+"?\.)?"?\w+"?)/i.exec(statement)?.[1] ??
    /^CREATE\s+UNIQUE\s+INDEX\b.*?\bON\s+(?:ONLY\s+)?((?:"?\w+"?\.)?"?\w+"?)/i.exec(statement)?.[1];
  return name?.replace(/"/g, '').split('.').pop();
}

/** Tables a migration creates: constraints and indexes on them break nothing that runs. */
function createdTables(statementsOfMigration: string[]): Set<string> {
  const created = new Set<string>();
  for (const st of statementsOfMigration) {
    const name = /^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"?\w+"?\.)?"?\w+"?)/i.exec(st)?.[1];
    if (name) created.add(name.replace(/"/g, '').split('.').pop()!);
  }
  return created;
}

/** ADD COLUMN ... NOT NULL without DEFAULT: the previous release's INSERTs fail. One ALTER may add several columns. */
function addsRequiredColumnWithoutDefault(statement: string): boolean {
  if (!/^ALTER\s+TABLE\b/i.test(statement)) return false;
  return statement
    .split(/,(?=\s*ADD\b)/i)
    .some((part) => /\bADD\s+(COLUMN\s+)?/i.test(part) && /\bNOT\s+NULL\b/i.test(part) && !/\bDEFAULT\b/i.test(part));
}

/** The SQL statements of a migration, comments removed. */
export function statements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** The migration this one contracts for, from its first line, if it says so. */
export function contractOf(sql: string): string | undefined {
  return /^--\s*contract of (\d{14}_\w+)\b/.exec(sql.trimStart())?.[1];
}

/**
 * Every statement of `migrations` (name → SQL, applied in name order) that would break the release before it,
 * except in a contract step that names an older migration of the list.
 */
export function breakingStatements(migrations: Record<string, string>): Finding[] {
  const names = Object.keys(migrations).sort();
  const findings: Finding[] = [];
  names.forEach((migration, index) => {
    // The first migration creates the schema: there is no previous release to break.
    if (index === 0) return;
    const sql = migrations[migration]!;
    const expand = contractOf(sql);
    if (expand !== undefined) {
      if (names.indexOf(expand) === -1 || names.indexOf(expand) >= index) {
        findings.push({
          migration,
          statement: sql.split('\n')[0]!,
          why: `contracts for ${expand}, which is not an earlier migration`,
        });
      }
      return;
    }
    const all = statements(sql);
    const created = createdTables(all);
    for (const statement of all) {
      const table = tableOf(statement);
      const onExisting = table === undefined || !created.has(table);
      const rule =
        RULES.find(([pattern]) => pattern.test(statement)) ??
        (onExisting ? EXISTING_TABLE_RULES.find(([pattern]) => pattern.test(statement)) : undefined);
      const why =
        rule?.[1] ??
        (addsRequiredColumnWithoutDefault(statement) ? 'adds a required column without a default' : undefined);
      if (why) findings.push({ migration, statement, why });
    }
  });
  return findings;
}

/** The migrations of a Prisma migrations folder: directory name → migration.sql. */
export function readMigrations(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out[entry.name] = readFileSync(join(dir, entry.name, 'migration.sql'), 'utf8');
  }
  return out;
}
