#!/usr/bin/env bash
# Prints the SQL that takes the database from one schema.prisma to another, for a new migration:
#   scripts/migration-diff.sh <old schema.prisma or "empty"> [new schema.prisma] > prisma/migrations/<ts>_<name>/migration.sql
# Prisma 7's `migrate dev` needs the native schema engine, which cannot be downloaded on every machine;
# Prisma 6.19's CLI diffs with its WebAssembly engine offline, so this runs it in a scratch folder.
set -euo pipefail
old=${1:?usage: migration-diff.sh OLD_SCHEMA|empty [NEW_SCHEMA]}
new=${2:-prisma/schema.prisma}
db=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prisma 6 wants the URL in the datasource block and a prisma-client-js generator.
to_v6() {
  sed -e 's#provider = "postgresql"#provider = "postgresql"\n  url = env("DATABASE_URL")#' \
      -e '/^generator client/,/^}/c\generator client {\n  provider = "prisma-client-js"\n}' "$1"
}
if [ "$old" = empty ]; then
  printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n' > "$work/old.prisma"
else
  to_v6 "$old" > "$work/old.prisma"
fi
to_v6 "$new" > "$work/new.prisma"
cp "$work/new.prisma" "$work/schema.prisma"
cat > "$work/prisma.config.ts" <<CONFIG
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  async adapter() { return new PrismaPg({ connectionString: process.env.DATABASE_URL }); },
} as never);
CONFIG
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund prisma@6.19.3 @prisma/adapter-pg@6.19.3 @prisma/client@6.19.3 pg >/dev/null 2>&1
# The CLI checks that these engine paths exist before it notices it will not need them.
touch "$work/unused.so.node"
DATABASE_URL=$db PRISMA_QUERY_ENGINE_LIBRARY="$work/unused.so.node" PRISMA_SCHEMA_ENGINE_BINARY=/bin/false \
  npx prisma migrate diff --from-schema-datamodel old.prisma --to-schema-datamodel new.prisma --script 2>/dev/null
