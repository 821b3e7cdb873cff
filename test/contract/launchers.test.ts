import { execa } from "execa";
import { describe, it } from "vitest";
import { engineFor } from "../../src/engines/registry.ts";
import { launcherFor, launcherKinds, type LauncherKind } from "../../src/launchers/registry.ts";
import { testEngine } from "../../src/setup/index.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { checkLifecycle, engineUnderTest } from "./lifecycle.ts";

/**
 * The launcher contract: every registered launcher starts the real tiny-model llama-server (local, in a SLURM
 * job on the loopback cluster, in a container of the Docker engine npm test starts), which answers its readiness
 * probe, then stops it and frees its port. Typed on the registry: a new launcher must say here how it runs in CI.
 */
const setups: Record<LauncherKind, () => Promise<Record<string, unknown>>> = {
  local: async () => ({}),
  slurm: async () => {
    await execa("bash", ["test/slurm/start-cluster.sh"], { stdio: "inherit", timeout: 900_000 });
    return { poll_s: 1 };
  },
  docker: async () => {
    // the Docker engine npm test starts, and the local llama-server image (FROM scratch, from the cached build)
    await execa("bash", ["test/docker/start-engine.sh"], { stdio: "inherit", timeout: 900_000 });
    const built = await execa(process.execPath, [BENCH_BIN, "setup", "image", "llama.cpp"], { timeout: 900_000 });
    return { image: built.stdout.trim().split("\n").pop() };
  },
};

describe("launcher contract: start, ready, stop, port freed", () => {
  for (const kind of launcherKinds()) {
    it(`${kind}`, async () => {
      const options = await setups[kind]();
      const { serverPath, modelPath } = await testEngine();
      await checkLifecycle(launcherFor(kind), engineUnderTest(engineFor("llamacpp"), "llamacpp", serverPath, modelPath, { "ctx-size": 2048, threads: 2 }), options);
    }, 900_000);
  }
});
