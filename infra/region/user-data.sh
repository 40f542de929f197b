#!/bin/bash
# Boot script of an edgecart service instance (EC2 user data, Amazon Linux 2023).
#
# A template: infra/region/user-data.ts replaces each quoted @@-placeholder below with a shell-quoted value. Only
# non-secret values are rendered; the database password, the Redis AUTH token and the session secret are read
# from Secrets Manager here, at boot, so they never appear in the launch template.
set -euo pipefail
exec > >(tee -a /var/log/edgecart-bootstrap.log | logger -t edgecart-bootstrap) 2>&1

readonly REGION='@@REGION@@'
readonly IMAGE='@@IMAGE@@'
readonly APP_PORT='@@APP_PORT@@'
readonly INTERNAL_PORT='@@INTERNAL_PORT@@'
readonly LOG_GROUP='@@LOG_GROUP@@'
readonly DB_SECRET_ID='@@DB_SECRET_ID@@'
readonly REDIS_SECRET_ID='@@REDIS_SECRET_ID@@'
readonly SESSION_SECRET_ID='@@SESSION_SECRET_ID@@'
readonly DB_HOST='@@DB_HOST@@'
readonly DB_READER_HOST='@@DB_READER_HOST@@'
readonly DB_MIGRATION_HOST='@@DB_MIGRATION_HOST@@'
readonly DB_PORT='@@DB_PORT@@'
readonly DB_NAME='@@DB_NAME@@'
readonly REDIS_HOST='@@REDIS_HOST@@'
readonly REDIS_PORT='@@REDIS_PORT@@'
readonly ASSETS_BUCKET='@@ASSETS_BUCKET@@'
readonly ASSETS_BUCKET_REGION='@@ASSETS_BUCKET_REGION@@'
readonly ASSETS_BASE_URL='@@ASSETS_BASE_URL@@'
readonly CACHE_TTL_SECONDS='@@CACHE_TTL_SECONDS@@'
readonly RATE_LIMIT_MAX='@@RATE_LIMIT_MAX@@'
readonly BODY_LIMIT_BYTES='@@BODY_LIMIT_BYTES@@'
readonly READINESS_METRIC_NAMESPACE='@@READINESS_METRIC_NAMESPACE@@'
readonly RUN_MIGRATIONS='@@RUN_MIGRATIONS@@'
readonly RDS_CA_URL='@@RDS_CA_URL@@'

readonly CONF_DIR=/etc/edgecart
readonly CA_FILE_IN_CONTAINER=/etc/ssl/certs/rds-ca.pem

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# retry ATTEMPTS DELAY_SECONDS COMMAND...: runs COMMAND until it succeeds, at most ATTEMPTS times.
retry() {
  local attempts=$1 delay=$2 n=1
  shift 2
  until "$@"; do
    if ((n >= attempts)); then
      log "giving up after ${n} attempts: $1"
      return 1
    fi
    log "attempt ${n} of ${attempts} failed, retrying in ${delay}s: $1"
    sleep "$delay"
    n=$((n + 1))
  done
}

# shellcheck disable=SC2317 # called through retry
secret_value() {
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text
}

urlencode() { jq -rn --arg v "$1" '$v|@uri'; }

# shellcheck disable=SC2317 # called through retry
ecr_login() {
  aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "${IMAGE%%/*}"
}

# shellcheck disable=SC2317 # called through retry
imds() {
  local token
  token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

log "installing docker"
retry 5 10 dnf install -y docker jq
systemctl enable --now docker

install -d -m 0700 "$CONF_DIR"
umask 077

log "reading secrets from Secrets Manager"
db_secret=$(retry 10 6 secret_value "$DB_SECRET_ID")
db_user=$(jq -er '.username' <<<"$db_secret")
db_password=$(jq -er '.password' <<<"$db_secret")
unset db_secret
redis_token=$(retry 10 6 secret_value "$REDIS_SECRET_ID")
session_secret=$(retry 10 6 secret_value "$SESSION_SECRET_ID")
db_auth="$(urlencode "$db_user"):$(urlencode "$db_password")"

# Aurora requires TLS (rds.force_ssl); the service and its migrations verify the server against the RDS CA bundle.
log "fetching the RDS CA bundle"
retry 10 6 curl -fsSL --proto '=https' -o "${CONF_DIR}/rds-ca.pem" "$RDS_CA_URL"
chmod 0644 "${CONF_DIR}/rds-ca.pem"

# TLS: the chain must lead to the RDS CA bundle (and only to it), the host name is not checked: which names the
# certificate behind the global writer endpoint carries cannot be known in advance (docs/deploy.md, "Check
# first"). uselibpqcompat=true gives sslmode libpq's meaning in node-postgres (pg-connection-string: verify-ca
# keeps rejectUnauthorized, sets ca from sslrootcert and a no-op checkServerIdentity); without it verify-ca
# would be read as verify-full.
db_tls="sslmode=verify-ca&uselibpqcompat=true&sslrootcert=${CA_FILE_IN_CONTAINER}"

# docker --env-file takes every line literally (no quoting, no expansion), so values go in as they are.
{
  echo 'NODE_ENV=production'
  echo 'HOST=0.0.0.0'
  echo "PORT=${APP_PORT}"
  # /health (the ALB's check), /ready, /metrics and /docs: on this port only, which the ALB never forwards to.
  echo "INTERNAL_PORT=${INTERNAL_PORT}"
  echo "REGION=${REGION}"
  echo "DATABASE_URL=postgresql://${db_auth}@${DB_HOST}:${DB_PORT}/${DB_NAME}?${db_tls}"
  echo "DATABASE_READ_URL=postgresql://${db_auth}@${DB_READER_HOST}:${DB_PORT}/${DB_NAME}?${db_tls}"
  echo "REDIS_URL=rediss://:${redis_token}@${REDIS_HOST}:${REDIS_PORT}"
  echo 'REDIS_KEY_PREFIX=edgecart:'
  echo "SESSION_SECRET=${session_secret}"
  echo "CACHE_TTL_SECONDS=${CACHE_TTL_SECONDS}"
  echo "RATE_LIMIT_MAX=${RATE_LIMIT_MAX}"
  echo "BODY_LIMIT_BYTES=${BODY_LIMIT_BYTES}"
  # Each instance publishes its readiness here; the region's health alarm averages it (issue #14).
  echo "READINESS_METRIC_NAMESPACE=${READINESS_METRIC_NAMESPACE}"
  echo "ASSETS_BUCKET=${ASSETS_BUCKET}"
  echo "ASSETS_BUCKET_REGION=${ASSETS_BUCKET_REGION}"
  echo "ASSETS_BASE_URL=${ASSETS_BASE_URL}"
  echo 'LOG_LEVEL=info'
  # X-Forwarded-For is written by CloudFront, then the ALB: trust exactly those two hops for the client IP.
  echo 'TRUST_PROXY_HOPS=2'
  # On stop: /health turns 503 at once and the service keeps serving for 5 s, then finishes in-flight
  # requests within 35 s, inside docker's 45 s --stop-timeout.
  echo 'DRAIN_DELAY_MS=5000'
  echo 'SHUTDOWN_GRACE_MS=35000'
  if [[ $RUN_MIGRATIONS == true ]]; then
    echo 'RUN_MIGRATIONS=true'
    # DDL goes to the writer itself: write forwarding (DATABASE_URL's reader endpoint) refuses it.
    echo "MIGRATION_DATABASE_URL=postgresql://${db_auth}@${DB_MIGRATION_HOST}:${DB_PORT}/${DB_NAME}?${db_tls}"
  fi
} >"${CONF_DIR}/service.env"
unset db_password db_auth redis_token session_secret

log "logging in to ECR"
retry 10 6 ecr_login
# Registry replication of a freshly pushed digest can take a few minutes to reach this region.
log "pulling ${IMAGE}"
retry 30 10 docker pull "$IMAGE"

instance_id=$(retry 5 2 imds instance-id)
docker rm --force edgecart >/dev/null 2>&1 || true
log "starting the service"
# --stop-timeout: on shutdown the service answers 503 on /health and finishes in-flight requests (the ALB
# deregistration delay is 30 s) before it exits.
docker run --detach --name edgecart --restart unless-stopped \
  --publish "${APP_PORT}:${APP_PORT}" \
  --publish "${INTERNAL_PORT}:${INTERNAL_PORT}" \
  --env-file "${CONF_DIR}/service.env" \
  --volume "${CONF_DIR}/rds-ca.pem:${CA_FILE_IN_CONTAINER}:ro" \
  --log-driver awslogs \
  --log-opt "awslogs-region=${REGION}" \
  --log-opt "awslogs-group=${LOG_GROUP}" \
  --log-opt "awslogs-stream=${instance_id}" \
  --stop-timeout 45 \
  --security-opt no-new-privileges \
  --cap-drop ALL \
  --ulimit nofile=65536:65536 \
  "$IMAGE"

for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:${INTERNAL_PORT}/health"; then
    log "service is healthy"
    exit 0
  fi
  sleep 5
done
log "service not healthy after 5 minutes; see CloudWatch Logs group ${LOG_GROUP}"
exit 1
