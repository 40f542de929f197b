import { configDefaults, defineConfig } from 'vitest/config';

/** Test files that start the whole lab (lab/lab.ts) and so take the lab's lock. */
const LAB_RUNS = ['lab/lab.test.ts', 'lab/release-drill.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'infra',
          include: ['infra/**/*.test.ts', 'policy/**/*.test.ts'],
          environment: 'node',
          // Each file runs the Pulumi program under its own mocks; isolate them in separate workers.
          pool: 'forks',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'service',
          include: [
            'service/**/*.test.ts',
            'prisma/**/*.test.ts',
            'web/**/*.test.ts',
            'observability/**/*.test.ts',
            'loadtest/**/*.test.ts',
            'scripts/**/*.test.ts',
            'lab/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...LAB_RUNS],
          environment: 'node',
          pool: 'forks',
          globalSetup: ['service/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The whole two-region lab, one run at a time on a machine (lab/lock.ts): the files run one after the
        // other (fileParallelism false puts them in a group of their own after the others), so on a runner with
        // more cores neither finds the other's lock and fails.
        test: {
          name: 'lab',
          include: LAB_RUNS,
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
