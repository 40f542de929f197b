import { defineConfig } from 'vitest/config';

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
          ],
          environment: 'node',
          pool: 'forks',
          globalSetup: ['service/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
