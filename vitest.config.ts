import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real git and CLI child processes; two cores are the budget.
    pool: "forks",
    maxWorkers: 2,
  },
});
