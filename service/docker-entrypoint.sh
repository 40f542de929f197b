#!/bin/sh
# Entrypoint of the service image: apply pending Prisma migrations when RUN_MIGRATIONS=true (the regional
# stack sets it only in the primary region, where the Aurora writer is; `prisma migrate deploy` takes an
# advisory lock, so instances starting together migrate once), then replace this shell with the server.
set -eu

if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
  echo "docker-entrypoint: applying database migrations"
  # The writer itself (MIGRATION_DATABASE_URL, the global writer endpoint in AWS): DATABASE_URL leads to a
  # write-forwarding reader endpoint, which refuses DDL.
  migrate_url=${MIGRATION_DATABASE_URL:-${DATABASE_URL:?MIGRATION_DATABASE_URL or DATABASE_URL is required to migrate}}
  # migrate.mjs runs `prisma migrate deploy` with the server's certificate checked as the service checks it
  # (the URL's sslmode/sslrootcert, read by node-postgres's parser): Prisma's schema engine cannot verify a
  # CA without also verifying the host name, so it talks to Aurora through a verifying TLS hop (see the script).
  # SCHEMA_CHECK_DATABASE_URL: the region's own endpoint, where migrate.mjs first reads whether anything is
  # pending, so an instance with nothing to migrate starts even when the writer is out of reach (a switchover).
  # Only when the writer is a separate URL; empty otherwise (migrate.mjs then asks the writer directly).
  schema_check_url=
  if [ -n "${MIGRATION_DATABASE_URL:-}" ]; then schema_check_url=${DATABASE_URL:-}; fi
  SCHEMA_CHECK_DATABASE_URL=$schema_check_url DATABASE_URL=$migrate_url node "${MIGRATE_SCRIPT:-/app/service/migrate.mjs}"
fi

exec "$@"
