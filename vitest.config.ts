import { defineConfig } from 'vitest/config';

// Two projects: unit tests (pure logic, fast, parallel) and integration tests, which start the
// real k6, Prometheus, Alertmanager and demo target on fixed loopback ports, so they run one file
// at a time. The integration project's global setup installs whatever binary is missing.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', '.tools/**', 'runs/**', 'dist/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.tools/**', 'runs/**', 'dist/**'],
          globalSetup: ['test/setup-toolchain.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
