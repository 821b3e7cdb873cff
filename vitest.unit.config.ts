import { defineConfig } from "vitest/config";

/** Fast loop for tests that need no engine build: `npx vitest run -c vitest.unit.config.ts test/grid.test.ts`. */
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, pool: "forks" },
});
