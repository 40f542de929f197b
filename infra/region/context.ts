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
