// Expand/contract (issue #21): no migration of prisma/migrations breaks the release before it, and the rule refuses
// what would (prisma/expand-contract.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breakingStatements, readMigrations } from './expand-contract.js';

const INIT = '20261121000000_init';
const init = 'CREATE TABLE "orders" ("id" UUID NOT NULL, "note" TEXT, CONSTRAINT "orders_pkey" PRIMARY KEY ("id"));';
const later = (sql: string) => breakingStatements({ [INIT]: init, '20261203000000_next': sql });

describe('migrations keep the previous release working', () => {
  it('every migration in prisma/migrations is an expand step or a marked contract step', () => {
    const migrations = readMigrations(fileURLToPath(new URL('./migrations', import.meta.url)));
    expect(Object.keys(migrations)).toContain(INIT);
    expect(breakingStatements(migrations)).toEqual([]);
  });

  it.each([
    ['ALTER TABLE "orders" DROP COLUMN "note";', 'drops a column'],
    ['ALTER TABLE "orders" DROP "note";', 'drops a column'],
    ['DROP TABLE "orders";', 'drops a table'],
    ['ALTER TABLE "orders" RENAME COLUMN "note" TO "remark";', 'renames'],
    ['ALTER TABLE "orders" RENAME TO "purchases";', 'renames'],
    ["ALTER TYPE \"OrderStatus\" RENAME VALUE 'placed' TO 'open';", 'renames an enum'],
    ['ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;', 'makes a column required'],
    ['ALTER TABLE "orders" ALTER COLUMN "note" SET DATA TYPE VARCHAR(200);', 'changes a column type'],
    ['ALTER TABLE "orders" ALTER COLUMN "note" TYPE VARCHAR(200);', 'changes a column type'],
    ['ALTER TABLE "orders" ADD COLUMN "gift" BOOLEAN NOT NULL;', 'adds a required column without a default'],
    ['ALTER TABLE "orders" ADD COLUMN "a" TEXT, ADD COLUMN "b" INTEGER NOT NULL;', 'adds a required column'],
    ['DROP TYPE "OrderStatus";', 'drops a type'],
    ['ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;', 'drops a default'],
    ['TRUNCATE "orders";', 'deletes every row'],
    ['TRUNCATE TABLE "orders" CASCADE;', 'deletes every row'],
    ['ALTER TABLE "orders" ADD CONSTRAINT "orders_note_check" CHECK (length("note") < 200);', 'adds a constraint'],
    ['ALTER TABLE "orders" ADD CONSTRAINT "orders_note_key" UNIQUE ("note");', 'adds a constraint'],
    ['ALTER TABLE ONLY "public"."orders" ADD CHECK ("note" <> \'\') NOT VALID;', 'adds a constraint'],
    [
      'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id");',
      'adds a constraint',
    ],
    ['CREATE UNIQUE INDEX "orders_note_key" ON "orders"("note");', 'adds a unique index'],
    [
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "orders_note_key" ON public.orders (note);',
      'adds a unique index',
    ],
  ])('refuses %s', (sql, why) => {
    const findings = later(`-- a release after the first\n${sql}\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ migration: '20261203000000_next', why: expect.stringContaining(why) });
  });

  it.each([
    'ALTER TABLE "orders" ADD COLUMN "gift" BOOLEAN NOT NULL DEFAULT false;',
    'ALTER TABLE "orders" ADD COLUMN "remark" TEXT;',
    'CREATE TABLE "notes" ("id" UUID NOT NULL, CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));',
    'CREATE INDEX "orders_note_idx" ON "orders"("note");',
    'ALTER TABLE "orders" ALTER COLUMN "note" DROP NOT NULL;',
    'ALTER TABLE "orders" ALTER COLUMN "note" SET DEFAULT \'\';',
    'ALTER TABLE "orders" DROP CONSTRAINT "orders_note_check";',
    'ALTER TYPE "OrderStatus" ADD VALUE \'shipped\';',
    // A table of its own, with its keys and indexes: nothing running writes it yet.
    `CREATE TABLE "notes" ("id" UUID NOT NULL, "order_id" UUID NOT NULL, "body" TEXT NOT NULL);
     CREATE UNIQUE INDEX "notes_order_id_key" ON "notes"("order_id");
     ALTER TABLE "notes" ADD CONSTRAINT "notes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id");`,
  ])('accepts the expand step %s', (sql) => {
    expect(later(sql)).toEqual([]);
  });

  it('accepts a contract step that names the earlier migration it contracts for, and only that', () => {
    const contract =
      '-- contract of 20261121000000_init: no running release reads orders.note\nALTER TABLE "orders" DROP COLUMN "note";';
    expect(later(contract)).toEqual([]);
    const unknown = contract.replace(INIT, '20261130000000_never');
    expect(later(unknown)).toEqual([
      expect.objectContaining({ why: expect.stringContaining('not an earlier migration') }),
    ]);
    // Naming itself (expand and contract in one release) is refused too.
    const self = contract.replace(INIT, '20261203000000_next');
    expect(later(self)).toHaveLength(1);
  });
});
