// Prints the stacks in deploy order, from the stack files (infra/stacks.ts). With --github-output it also writes
// `all`, `primary` and `secondaries` (JSON lists / a name) to $GITHUB_OUTPUT for the workflows' matrices.
//   node --import tsx scripts/stacks.ts [--github-output]
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stackPlan } from '../infra/stacks.js';

const plan = stackPlan(fileURLToPath(new URL('../', import.meta.url)));
console.log(JSON.stringify(plan));
if (process.argv.includes('--github-output')) {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) throw new Error('--github-output needs GITHUB_OUTPUT (set by GitHub Actions)');
  appendFileSync(
    file,
    `all=${JSON.stringify(plan.all)}\nprimary=${plan.primary}\nsecondaries=${JSON.stringify(plan.secondaries)}\n`,
  );
}
