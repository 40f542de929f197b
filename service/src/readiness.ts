// Readiness: can this instance take an order end to end? The database through the path the app really uses
// (the writer, and the reader when one is configured) and Redis (sessions) must both answer, each within a
// deadline. Shared by GET /ready and the readiness metric that feeds the region's health alarm.
export type CheckResult = 'ok' | 'fail';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; redis: CheckResult };
}

export interface ReadinessProbes {
  database: () => Promise<unknown>;
  redis: () => Promise<unknown>;
}

/** One probe's verdict: 'fail' when it throws or takes longer than `timeoutMs`. */
export async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'fail';
  } finally {
    clearTimeout(timer);
  }
}

export const READINESS_CHECK_TIMEOUT_MS = 1_000;

export async function checkReadiness(
  probes: ReadinessProbes,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<Readiness> {
  const [database, redis] = await Promise.all([check(probes.database, timeoutMs), check(probes.redis, timeoutMs)]);
  return { ready: database === 'ok' && redis === 'ok', checks: { database, redis } };
}
