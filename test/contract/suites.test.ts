import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { monotonicClock } from "../../src/client/types.ts";
import { engineFor } from "../../src/engines/registry.ts";
import { runSuite } from "../../src/lab/run-suite.ts";
import { localLauncher } from "../../src/launchers/local.ts";
import { testEngine } from "../../src/setup/index.ts";
import { resolveOptions } from "../../src/suites/definitions.ts";
import { suiteFor, suiteKinds } from "../../src/suites/registry.ts";
import type { SuiteContext } from "../../src/suites/types.ts";
import { checkLifecycle, engineUnderTest } from "./lifecycle.ts";

/**
 * The suite contract: every registered suite runs against a freshly started real engine (tiny-model
 * llama-server) with the small sizes of grids/quickstart.yaml (which must therefore name every suite), gives
 * ok rows without request errors, and the engine then stops and frees its port.
 */
const quickstart = parse(readFileSync("grids/quickstart.yaml", "utf8")) as { suites: Array<{ kind: string; options?: Record<string, unknown> }> };
const small = (kind: string) => quickstart.suites.find((s) => s.kind === kind)?.options;

describe("suite contract: every registered suite on a started engine", () => {
  it("grids/quickstart.yaml sizes every registered suite", () => {
    expect(suiteKinds().filter((k) => !small(k))).toEqual([]);
  });
  for (const kind of suiteKinds()) {
    it(`${kind}`, async () => {
      const { serverPath, modelPath } = await testEngine();
      const engine = engineUnderTest(engineFor("llamacpp"), "llamacpp", serverPath, modelPath, { "ctx-size": 16384, threads: 2, "slot-save-path": "/tmp" });
      await checkLifecycle(localLauncher, engine, {}, async (handle) => {
        const suite = suiteFor(kind);
        const shrunk = { ...small(kind), repetitions: 1, ...(typeof small(kind)?.prompt_tokens === "number" ? { prompt_tokens: Math.min(1024, small(kind)!.prompt_tokens as number) } : {}) };
        const options = resolveOptions(suite, shrunk, `contract ${kind}`);
        const ctx: SuiteContext = {
          target: { baseUrl: handle.spec.baseUrl, directUrl: handle.spec.baseUrl, model: handle.spec.servedName, engine: handle.spec.engine, capabilities: handle.spec.capabilities, path: "direct", timeScale: 1, requestTimeoutMs: 120_000 },
          repetitions: 1, clock: monotonicClock(), signal: new AbortController().signal, onPhase: () => {},
        };
        const point = { id: "contract", serverId: engine.alias, params: {}, server: {}, client: {} };
        const rowCtx = { point, engine: "llamacpp", launcher: "local", path: "direct", simulated: false, timeScale: 1, startedAt: new Date().toISOString() };
        const result = await runSuite(ctx, suite, options, point, rowCtx, () => handle.logTail());
        expect(result.error, String(result.rows[0]?.failure_detail)).toBeUndefined();
        expect(result.rows.length).toBeGreaterThan(0);
        for (const row of result.rows) {
          expect(row.status).toBe("ok");
          expect(row.suite).toBe(kind);
          expect(Number(row.errors)).toBe(0);
        }
        expect(result.records.length).toBeGreaterThan(0);
      });
    }, 300_000);
  }
});
