// The stacks of the repository, in deploy order, derived from the stack files alone (issue #13 item 6): the global
// stack's `edgecart:regions` and one Pulumi.<stack>.yaml per region. The workflows take their preview matrix and
// deploy order from here (scripts/stacks.ts), so adding a region is exactly two files: the region appended to
// `regions` in Pulumi.global.yaml and its new stack file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface StackPlan {
  /** The global stack: deployed first. */
  global: string;
  /** The primary region's stack: deployed second (secondaries join its Aurora cluster). */
  primary: string;
  /** Every other regional stack, in the order of `regions`; independent of each other, deployed after the primary. */
  secondaries: string[];
  /** All of them, in deploy order. */
  all: string[];
}

interface StackFile {
  stack: string;
  role?: string;
  region?: string;
  regions?: unknown;
  primaryRegion?: string;
}

function readStackFiles(root: string): StackFile[] {
  return readdirSync(root)
    .filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const parsed = parse(readFileSync(path.join(root, file), 'utf8')) as { config?: Record<string, unknown> } | null;
      const config = parsed?.config ?? {};
      const value = (key: string) => config[key] ?? config[key.replace(/^edgecart:/, '')];
      return {
        stack: file.replace(/^Pulumi\.|\.ya?ml$/g, ''),
        role: value('edgecart:role') as string | undefined,
        region: value('aws:region') as string | undefined,
        regions: value('edgecart:regions'),
        primaryRegion: value('edgecart:primaryRegion') as string | undefined,
      };
    });
}

/** The deploy plan of the stack files in `root`; throws with the file to fix when they disagree. */
export function stackPlan(root: string): StackPlan {
  const files = readStackFiles(root);
  const globals = files.filter((f) => f.role === 'global');
  if (globals.length !== 1) {
    throw new Error(
      `Expected exactly one stack file with edgecart:role global, found ${globals.length} (${globals.map((g) => g.stack).join(', ') || 'none'})`,
    );
  }
  const global = globals[0]!;
  const regions = global.regions as string[];
  if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string')) {
    throw new Error(`Pulumi.${global.stack}.yaml: edgecart:regions must be a non-empty list of regions`);
  }
  const primaryRegion = global.primaryRegion ?? regions[0]!;
  const regional = files.filter((f) => f.role === 'primary' || f.role === 'secondary');
  const stackOf = (region: string) => {
    const found = regional.filter((f) => f.region === region);
    if (found.length !== 1) {
      throw new Error(
        `Region ${region} (edgecart:regions in Pulumi.${global.stack}.yaml) needs exactly one stack file with aws:region ${region}, found ${found.length}`,
      );
    }
    return found[0]!;
  };
  for (const f of regional) {
    if (f.region === undefined || !regions.includes(f.region)) {
      throw new Error(
        `Pulumi.${f.stack}.yaml: aws:region ${f.region} is not in edgecart:regions of Pulumi.${global.stack}.yaml`,
      );
    }
    const expected = f.region === primaryRegion ? 'primary' : 'secondary';
    if (f.role !== expected) throw new Error(`Pulumi.${f.stack}.yaml: edgecart:role must be ${expected}`);
  }
  const primary = stackOf(primaryRegion).stack;
  const secondaries = regions.filter((r) => r !== primaryRegion).map((r) => stackOf(r).stack);
  return { global: global.stack, primary, secondaries, all: [global.stack, primary, ...secondaries] };
}
