// Entry point of the Pulumi program (Pulumi.yaml `main`). One program, two shapes: the stack's
// `edgecart:role` decides whether this run builds the global stack or a regional one.
import { stackConfig } from './config.js';

export default async function main(): Promise<Record<string, unknown>> {
  const config = stackConfig();
  if (config.role === 'global') {
    const { deployGlobal } = await import('./global/index.js');
    return deployGlobal(config);
  }
  const { deployRegion } = await import('./region/index.js');
  return deployRegion(config);
}
