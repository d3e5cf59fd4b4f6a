import { defineConfig } from 'vitest/config';

// Three tiers:
//   default (npm test):              test/**, except the heavy statistics and the browser tests;
//   NNFT_SLOW=1 (npm run test:slow): test/slow/**, statistical acceptance runs;
//   NNFT_CHROMIUM_TESTS=1 (npm run test:chromium): *.chromium.test.ts, needs a Chromium binary
//   (.ci/run runs them when Chromium is installed).
const slow = Boolean(process.env.NNFT_SLOW);
const chromium = Boolean(process.env.NNFT_CHROMIUM_TESTS);

export default defineConfig({
  test: {
    include: slow ? ['test/slow/**/*.test.ts'] : chromium ? ['test/**/*.chromium.test.ts'] : ['test/**/*.test.ts'],
    exclude: slow || chromium ? ['node_modules/**'] : ['test/slow/**', 'test/**/*.chromium.test.ts', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
