import { defineConfig } from 'vitest/config';

// Slow suites: real MNIST training and large kernel cases. Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['packages/*/test/slow/**/*.test.ts'],
    testTimeout: 60 * 60 * 1000,
    pool: 'forks',
  },
});
