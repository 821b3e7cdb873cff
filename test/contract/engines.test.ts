import { describe, expect, it } from "vitest";
import { engineFor, engineKinds, gridEngineKinds } from "../../src/engines/registry.ts";
import type { EngineKind } from "../../src/engines/types.ts";
import { GridSchema } from "../../src/grid/schema.ts";
import { localLauncher } from "../../src/launchers/local.ts";
import { testEngine } from "../../src/setup/index.ts";
import { checkLifecycle, engineUnderTest, type EngineUnderTest } from "./lifecycle.ts";

/**
 * The engine contract (hono's adapter tests as a model): every registered engine through the same checks.
 * Each engine needs a way to run here; the table is typed on the registry, so registering an engine without
 * saying how it runs in CI fails to compile.
 */
const runnable: Record<EngineKind, () => Promise<EngineUnderTest>> = {
  llamacpp: async () => {
    const { serverPath, modelPath } = await testEngine();
    return engineUnderTest(engineFor("llamacpp"), "llamacpp", serverPath, modelPath, { "ctx-size": 2048, threads: 2 });
  },
  sim: async () => ({
    ...engineUnderTest(engineFor("sim"), "vllm", process.execPath, "QuantTrio/GLM-4.7-Flash-AWQ", { "tensor-parallel-size": 2, "max-model-len": 32768 }),
    simulation: { timeScale: 50 }, // as `bench grid --simulate --time-scale 50` renders it
  }),
  vllm: async () => {
    // vLLM's CPU build and the Hugging Face tiny model, as the test setup installs them (`binary: setup`, `model: tiny`)
    const adapter = engineFor("vllm");
    const grid = GridSchema.parse({ name: "c", engine: "vllm", model: "tiny", binary: "setup", suites: [{ kind: "chat" }] });
    const { binary, model } = await adapter.resolve({ grid, file: "contract.yaml" });
    return engineUnderTest(adapter, "vllm", binary, model, { "max-model-len": 4096, "enforce-eager": true }, { VLLM_CPU_KVCACHE_SPACE: "1", HF_HUB_OFFLINE: "1" });
  },
};

describe("engine contract: what every registered engine declares", () => {
  for (const kind of engineKinds()) {
    it(`${kind}: renders a launch spec on the host and port it is given, and its declarations hold together`, () => {
      const adapter = engineFor(kind);
      expect(adapter.kind).toBe(kind);
      const grid = GridSchema.parse({ name: "c", engine: adapter.simulates ?? kind, model: "m", suites: [{ kind: "chat" }] });
      const spec = adapter.render({ grid, server: {}, host: "127.0.0.1", port: 41234, binary: adapter.defaultBinary, model: "m" });
      expect(spec.engine).toBe(kind);
      expect([spec.host, spec.port, spec.baseUrl]).toEqual(["127.0.0.1", 41234, "http://127.0.0.1:41234"]);
      expect(spec.args.join(" ")).toMatch(/--port 41234\b/);
      expect(spec.readiness.path).toMatch(/^\//);
      expect(adapter.classifyLog("")).toBeUndefined();
      expect(adapter.defaultPort).toBeGreaterThan(0);
      if (spec.capabilities.metrics) expect(engineFor(spec.capabilities.metrics).serverMetrics?.prefix).toBeTruthy();
      if (adapter.simulates) expect(engineKinds()).toContain(adapter.simulates);
      expect(gridEngineKinds().includes(kind)).toBe(adapter.inGrids);
      if (adapter.images) expect(adapter.images.default).toMatch(/^[\w./-]+:[\w.-]+$/);
    });
  }
});

describe("engine contract: start, ready, stop, port freed (local launcher)", () => {
  for (const kind of engineKinds()) {
    it(`${kind}`, async () => checkLifecycle(localLauncher, await runnable[kind]()), 1_200_000);
  }
});
