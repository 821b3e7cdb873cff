import { defineConfig } from "vitest/config";

/** Fast loop for tests that need no engine build (the compiled CLI is still rebuilt first): `npx vitest run -c vitest.unit.config.ts test/grid.test.ts`. */
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], globalSetup: ["test/build-cli.ts"], testTimeout: 60_000, pool: "forks" },
});
