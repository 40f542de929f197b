#!/usr/bin/env bash
# Runs before `npm test` (pretest) and `npm run demo` (predemo), so that the README's two commands work on a
# fresh machine: it finds or installs what the project needs from the machine's own packages, and starts the
# local PostgreSQL and Redis when they are installed but silent.
#   usage: ensure-prerequisites.sh test|demo
# - test: PostgreSQL + Redis, plus Chromium (the storefront browser test), shellcheck (user data, image
#   entrypoint, workflow scripts) and nginx (the lab's edge tier, issue #22). No test is skipped for want of them: they are installed or the run stops here.
# - demo: PostgreSQL + Redis.
# Each action is announced in one line; when something cannot be done, one line says what to run instead.
# Hand-written: no npm package installs system packages or starts system services.
set -euo pipefail

purpose=${1:-test}
case "$purpose" in test | demo) ;; *) echo "usage: $0 test|demo" >&2; exit 2 ;; esac

say() { printf 'prerequisites: %s\n' "$*"; }
fail() { printf 'prerequisites: %s\n' "$*" >&2; exit 1; }

# --- System packages (test only). CHROMIUM_PATH lets a machine with Chromium elsewhere skip the install.
if [ "$purpose" = test ]; then
  missing=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
  command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
  # nginx: the lab's edge tier (lab/edge.ts); Debian puts it in /usr/sbin, which a non-root PATH may lack.
  [ -x "${NGINX_BIN:-/usr/sbin/nginx}" ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing ${missing[*]} from Debian's packages (browser test, shell-script checks, lab edge); this takes a minute once"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed; run it yourself, then npm test again"
    else
      fail "missing ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]}), then npm test again"
    fi
  fi
fi

# --- PostgreSQL and Redis. Only the default local servers are started; a custom URL is the user's to run.
pg_url=${TEST_DATABASE_URL:-${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}}
redis_url=${TEST_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379}}

if [[ "$pg_url" == *@127.0.0.1:5432/* || "$pg_url" == *@localhost:5432/* ]]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    clusters=$(ls /etc/postgresql 2>/dev/null || true)
    if [ -n "$clusters" ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
      say "starting the local PostgreSQL ($clusters main)"
      pg_ctlcluster --skip-systemctl-redirect "$clusters" main start
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
      || fail "PostgreSQL is not answering on 127.0.0.1:5432; start it (or: docker compose up -d), then try again"
  fi
fi

if [[ "$redis_url" == redis://127.0.0.1:6379* || "$redis_url" == redis://localhost:6379* ]]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    if command -v redis-server >/dev/null 2>&1; then
      say "starting a local Redis on 127.0.0.1:6379 (nothing kept on disk)"
      mkdir -p /tmp/edgecart-redis
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
        --dir /tmp/edgecart-redis --logfile /tmp/edgecart-redis/redis.log
      for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.2; done
    fi
    (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null \
      || fail "Redis is not answering on 127.0.0.1:6379; start it (or: docker compose up -d), then try again"
  fi
fi
