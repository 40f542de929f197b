#!/usr/bin/env bash
# `npm start` (its prestart step): the production start runs the build in dist/, which a fresh clone does not have.
# Say what to run instead of letting node die with a MODULE_NOT_FOUND stack.
set -euo pipefail

readonly ENTRY=dist/service/src/main.cjs

if [[ ! -f $ENTRY ]]; then
  cat >&2 <<MESSAGE
npm start runs the production build ($ENTRY), and this checkout has none yet.
  npm run build    builds it; then npm start again (needs PostgreSQL and Redis: README.md, "Configuration of the service")
  npm run demo     or try the shop locally: migrates and seeds the database, then starts the service
MESSAGE
  exit 1
fi
