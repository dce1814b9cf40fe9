import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cli', include: ['test/**/*.test.ts'], exclude: ['test/slow/**'], pool: 'forks', passWithNoTests: true },
});
