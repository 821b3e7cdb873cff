import { execa } from "execa";
import { describe, it } from "vitest";
import { engineFor } from "../../src/engines/registry.ts";
import { launcherFor, launcherKinds, type LauncherKind } from "../../src/launchers/registry.ts";
import { testEngine } from "../../src/setup/index.ts";
import { checkLifecycle, engineUnderTest } from "./lifecycle.ts";

/**
 * The launcher contract: every registered launcher starts the real tiny-model llama-server, which answers its
 * readiness probe, then stops it and frees its port. Typed on the registry: a new launcher must say here how it
 * runs in CI (or why it cannot).
 */
const setups: Record<LauncherKind, (() => Promise<Record<string, unknown>>) | { notHere: string }> = {
  local: async () => ({}),
  slurm: async () => {
    await execa("bash", ["test/slurm/start-cluster.sh"], { stdio: "inherit", timeout: 900_000 });
    return { poll_s: 1 };
  },
  docker: { notHere: "no Docker engine on the CI machines; test/launcher-docker.test.ts checks its commands with a stand-in docker CLI" },
};

describe("launcher contract: start, ready, stop, port freed", () => {
  for (const kind of launcherKinds()) {
    const setup = setups[kind];
    if (typeof setup !== "function") continue;
    it(`${kind}`, async () => {
      const options = await setup();
      const { serverPath, modelPath } = await testEngine();
      await checkLifecycle(launcherFor(kind), engineUnderTest(engineFor("llamacpp"), "llamacpp", serverPath, modelPath, { "ctx-size": 2048, threads: 2 }), options);
    }, 900_000);
  }
});
