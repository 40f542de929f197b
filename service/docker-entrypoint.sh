#!/bin/sh
# Entrypoint of the service image: apply pending Prisma migrations when RUN_MIGRATIONS=true (the regional
# stack sets it only in the primary region, where the Aurora writer is; `prisma migrate deploy` takes an
# advisory lock, so instances starting together migrate once), then replace this shell with the server.
set -eu

if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
  echo "docker-entrypoint: applying database migrations"
  /app/node_modules/.bin/prisma migrate deploy
fi

exec "$@"
