import { defineConfig } from 'vitest/config';

// Default suite: test/**, except the opt-in heavy statistics under test/slow (npm run test:slow).
export default defineConfig({
  test: {
    include: process.env.NNFT_SLOW ? ['test/slow/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: process.env.NNFT_SLOW ? [] : ['test/slow/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
