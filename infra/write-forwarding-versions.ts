// Which Aurora PostgreSQL versions have local write forwarding, the forwarding every region's instances write
// through while their cluster is the primary (infra/region/index.ts, serviceWriteEndpoint): 16.4 and higher 16
// versions, 15.8 and higher 15 versions, 14.13 and higher 14 versions (Aurora User Guide, "Local write forwarding
// in Aurora PostgreSQL"). Read by the config check (infra/config.ts) and the policy pack (policy/write-forwarding.ts).

/** The first minor of each major with local write forwarding. */
export const LOCAL_WRITE_FORWARDING_SINCE: Record<number, number> = { 14: 13, 15: 8, 16: 4 };

/** True when an aurora-postgresql `major.minor` has local write forwarding. */
export function hasLocalWriteForwarding(version: string): boolean {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  if (!Number.isInteger(major) || !Number.isInteger(minor)) return false;
  const since = LOCAL_WRITE_FORWARDING_SINCE[major];
  return since === undefined ? major > 16 : minor >= since;
}
