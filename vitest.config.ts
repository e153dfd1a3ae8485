import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // The stress and fault tests run on their own: `npm run test:stress`.
    exclude: ["test/stress/**", "**/node_modules/**"],
    // Deadlines, not speed targets (those live in `npm run bench`): generous enough that a
    // test spawning many git and CLI processes passes on a 2-core machine under load.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Tests spawn real git and CLI child processes; two cores are the budget.
    pool: "forks",
    maxWorkers: 2,
  },
});
