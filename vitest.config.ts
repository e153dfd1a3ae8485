import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The stress and fault tests run on their own: `npm run test:stress`.
    exclude: ["test/stress/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real git and CLI child processes; two cores are the budget.
    pool: "forks",
    maxWorkers: 2,
  },
});
