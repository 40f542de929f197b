// A regional stack. Built out by issue #3.
import type { RegionalConfig } from '../config.js';

export async function deployRegion(_config: RegionalConfig): Promise<Record<string, unknown>> {
  throw new Error('The regional stack is not built yet');
}
