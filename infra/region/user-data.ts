// Renders user-data.sh: each '@@NAME@@' placeholder (always written inside single quotes in the template) is
// replaced by the value shell-quoted, so no value can break out of its assignment.
import { readFileSync } from 'node:fs';

export const USER_DATA_TEMPLATE_PATH = new URL('./user-data.sh', import.meta.url);

/** The values the template takes (all non-secret; secrets are fetched by the script at boot). */
export interface UserDataValues {
  REGION: string;
  /** <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:… */
  IMAGE: string;
  APP_PORT: string;
  /** The service's internal listener (health checks, /ready, /metrics, /docs), published next to APP_PORT. */
  INTERNAL_PORT: string;
  LOG_GROUP: string;
  DB_SECRET_ID: string;
  REDIS_SECRET_ID: string;
  SESSION_SECRET_ID: string;
  /** Where writes go: this cluster's reader endpoint, in every role (index.ts, serviceWriteEndpoint). */
  DB_HOST: string;
  DB_READER_HOST: string;
  /** Where migrations go (primary region only): the global writer endpoint (compute.ts). */
  DB_MIGRATION_HOST: string;
  DB_PORT: string;
  DB_NAME: string;
  REDIS_HOST: string;
  REDIS_PORT: string;
  ASSETS_BUCKET: string;
  ASSETS_BUCKET_REGION: string;
  ASSETS_BASE_URL: string;
  CACHE_TTL_SECONDS: string;
  RATE_LIMIT_MAX: string;
  /** The service's request body limit, the same constant the web ACL is built from (infra/limits.ts). */
  BODY_LIMIT_BYTES: string;
  /** CloudWatch namespace of the instance's readiness metric (infra/readiness-metric.ts). */
  READINESS_METRIC_NAMESPACE: string;
  /** "true" only in the primary region. */
  RUN_MIGRATIONS: 'true' | 'false';
  RDS_CA_URL: string;
}

const PLACEHOLDER = /'@@([A-Z0-9_]+)@@'/g;

/** POSIX single-quoting: the result is one shell word whose value is exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function renderUserData(
  values: UserDataValues,
  template = readFileSync(USER_DATA_TEMPLATE_PATH, 'utf8'),
): string {
  const provided = values as unknown as Record<string, string>;
  const used = new Set<string>();
  const script = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = provided[name];
    if (value === undefined) throw new Error(`user-data.sh needs a value for ${name}`);
    used.add(name);
    return shellQuote(value);
  });
  const unused = Object.keys(provided).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`user-data.sh has no placeholder for ${unused.join(', ')}`);
  return script;
}
