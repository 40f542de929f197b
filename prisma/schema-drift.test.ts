// Proves the database that prisma/migrations produce matches prisma/schema.prisma: every model, column (type
// and nullability), enum, primary key, unique constraint, index and foreign key. A schema change committed
// without its migration fails here. The schema is read with Prisma's own parser (prisma-schema-wasm).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../service/test/helpers/database.js';

const require = createRequire(import.meta.url);
const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

const dmmf = JSON.parse(
  wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync(new URL('./schema.prisma', import.meta.url), 'utf8') })),
) as {
  datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
};

const models = dmmf.datamodel.models;
const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;
const modelByName = new Map(models.map((m) => [m.name, m]));

/** PostgreSQL types a Prisma scalar (with its @db native type) may be stored as. */
function expectedTypes(field: DmmfField): string[] {
  if (field.kind === 'enum') return [field.type];
  const native = field.nativeType?.[0];
  if (native) {
    const byNative: Record<string, string> = {
      Uuid: 'uuid',
      VarChar: 'varchar',
      Char: 'bpchar',
      Text: 'text',
      Timestamptz: 'timestamptz',
      Timestamp: 'timestamp',
      Integer: 'int4',
      BigInt: 'int8',
    };
    return [byNative[native] ?? native.toLowerCase()];
  }
  const byScalar: Record<string, string[]> = {
    String: ['text'],
    Int: ['int4'],
    BigInt: ['int8'],
    Boolean: ['bool'],
    DateTime: ['timestamp'],
    Float: ['float8'],
    Decimal: ['numeric'],
    Json: ['jsonb'],
  };
  return byScalar[field.type] ?? [field.type];
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('migrations produce exactly the schema in schema.prisma', () => {
  it('has every table, and every column with a compatible type and nullability', async () => {
    const { rows } = await db.pool.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    for (const model of models) {
      for (const field of model.fields.filter((f) => f.kind !== 'object')) {
        const where = `${tableOf(model)}.${columnOf(field)} (${model.name}.${field.name})`;
        const column = columns.get(`${tableOf(model)}.${columnOf(field)}`);
        expect(column, `missing column ${where}`).toBeDefined();
        expect(expectedTypes(field), `type of ${where}`).toContain(column!.udt_name);
        expect(column!.is_nullable === 'NO', `nullability of ${where}`).toBe(field.isRequired);
      }
    }
    // And nothing the schema does not know about (besides Prisma's own bookkeeping table).
    const tables = new Set(rows.map((r) => r.table_name));
    tables.delete('_prisma_migrations');
    expect([...tables].sort()).toEqual(models.map(tableOf).sort());
  });

  it('has every enum with exactly its values', async () => {
    const { rows } = await db.pool.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  it('has every primary key, unique constraint and index, on the same columns in the same order', async () => {
    const { rows } = await db.pool.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(
      `SELECT t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary`,
    );
    for (const index of dmmf.datamodel.indexes) {
      const model = modelByName.get(index.model)!;
      const cols = index.fields.map((f) => columnOf(model.fields.find((x) => x.name === f.name)!));
      const match = rows.find(
        (r) =>
          r.table === tableOf(model) &&
          JSON.stringify(r.columns) === JSON.stringify(cols) &&
          r.primary === (index.type === 'id') &&
          r.unique === (index.type === 'id' || index.type === 'unique'),
      );
      expect(match, `${index.type} index on ${tableOf(model)}(${cols.join(', ')})`).toBeDefined();
    }
  });

  it('has every foreign key of every relation', async () => {
    const { rows } = await db.pool.query<{
      table: string;
      columns: string[];
      ref_table: string;
      ref_columns: string[];
    }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref_table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS ref_columns
         FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    for (const model of models) {
      for (const field of model.fields.filter((f) => f.relationFromFields?.length)) {
        const target = modelByName.get(field.type)!;
        const cols = field.relationFromFields!.map((n) => columnOf(model.fields.find((x) => x.name === n)!));
        const refs = field.relationToFields!.map((n) => columnOf(target.fields.find((x) => x.name === n)!));
        const fk = rows.find(
          (r) =>
            r.table === tableOf(model) &&
            r.ref_table === tableOf(target) &&
            JSON.stringify(r.columns) === JSON.stringify(cols) &&
            JSON.stringify(r.ref_columns) === JSON.stringify(refs),
        );
        expect(fk, `foreign key ${tableOf(model)}(${cols}) → ${tableOf(target)}(${refs})`).toBeDefined();
      }
    }
  });

  it('refuses negative stock at the database level too', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO products (id, sku, name, price_cents, stock, updated_at) VALUES (gen_random_uuid(), 'NEG', 'x', 1, -1, now())`,
      ),
    ).rejects.toThrow(/products_stock_nonnegative/);
  });
});
