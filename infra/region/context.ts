// What every regional component needs to know about the stack it is part of.
import type { RegionalConfig } from '../config.js';

export interface RegionContext {
  config: RegionalConfig;
  /** The AWS region of the stack (also in every logical name). */
  region: string;
  accountId: string;
}

/** Logical name of a regional resource: always carries the region, so names never collide across stacks. */
export function regionalName(ctx: Pick<RegionContext, 'region'>, suffix: string): string {
  return `${ctx.region}-${suffix}`;
}

/**
 * Prefix of the AWS names a regional stack sets itself (Redis group, KMS alias, log groups, dashboard, secrets,
 * final snapshots): `edgecart-<stack>`. Scoped by stack, not region, so a second environment in the same account
 * (e.g. stack `staging-mumbai` beside `mumbai`) never collides (issue #10 item 9).
 */
export function stackNamespace(ctx: Pick<RegionContext, 'config'>): string {
  return `${ctx.config.project}-${ctx.config.stack}`;
}
