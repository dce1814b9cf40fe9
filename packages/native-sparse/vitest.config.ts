import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'native-sparse',
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**'],
    // Native tensors are process-global state (threads, kernel variant): one fork per file keeps files apart.
    pool: 'forks',
    testTimeout: 30 * 60_000, // no wall-clock assumptions (5x slower machines, under load)
    hookTimeout: 30 * 60_000,
  },
});
