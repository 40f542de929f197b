#!/bin/sh
# Entrypoint of the service image: apply pending Prisma migrations when RUN_MIGRATIONS=true (the regional
# stack sets it only in the primary region, where the Aurora writer is; `prisma migrate deploy` takes an
# advisory lock, so instances starting together migrate once), then replace this shell with the server.
set -eu

if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
  echo "docker-entrypoint: applying database migrations"
  # The writer itself: DATABASE_URL leads to a write-forwarding reader endpoint, which refuses DDL.
  migrate_url=${MIGRATION_DATABASE_URL:-${DATABASE_URL:?MIGRATION_DATABASE_URL or DATABASE_URL is required to migrate}}
  # The service (node-postgres) verifies Aurora's certificate with sslmode=verify-full and the RDS CA from
  # NODE_EXTRA_CA_CERTS. Prisma's schema engine knows only disable/prefer/require and takes the CA as
  # sslcert, so the same verification is spelled its way for the migration.
  case "$migrate_url" in
    *sslmode=verify-full*)
      migrate_url=$(printf '%s' "$migrate_url" | sed 's/sslmode=verify-full/sslmode=require/')
      if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
        migrate_url="${migrate_url}&sslcert=${NODE_EXTRA_CA_CERTS}&sslaccept=strict"
      fi
      ;;
  esac
  DATABASE_URL=$migrate_url "${PRISMA_BIN:-/app/node_modules/.bin/prisma}" migrate deploy
fi

exec "$@"
