import { defineConfig } from 'vitest/config';

// One project per package; the fast suite. Slow suites (real-data training) live in vitest.slow.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
});
