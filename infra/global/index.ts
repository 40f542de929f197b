// The global stack. Built out by issue #4.
import type { GlobalConfig } from '../config.js';

export async function deployGlobal(_config: GlobalConfig): Promise<Record<string, unknown>> {
  throw new Error('The global stack is not built yet');
}
