import { defineConfig } from "vitest/config";

/**
 * The stress and fault tests (`npm run test:stress`): many processes for
 * many seconds, so they run apart from `npm test`, one file at a time, to
 * leave CI's two cores to the processes under test.
 */
export default defineConfig({
  test: {
    include: ["test/stress/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
