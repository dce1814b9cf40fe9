import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**'],
    pool: 'forks',
    passWithNoTests: true,
    // No wall-clock assumptions: tests spawn the CLI and train; they must pass on a machine 5x slower under load.
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
  },
});
