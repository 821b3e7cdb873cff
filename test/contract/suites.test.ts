import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { monotonicClock } from "../../src/client/types.ts";
import { engineFor } from "../../src/engines/registry.ts";
import { Fronts } from "../../src/lab/fronts.ts";
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
 * ok rows without request errors, and the engine then stops and frees its port. Proxies a suite asks for (the
 * proxy suite) start in front of the engine as the lab starts them, and stop before it.
 */
const quickstart = parse(readFileSync("grids/quickstart.yaml", "utf8")) as { suites: Array<{ kind: string; options?: Record<string, unknown> }> };
const small = (kind: string) => quickstart.suites.find((s) => s.kind === kind)?.options;
/** The proxies a suite asks for (the proxy suite's), started in front of `upstream` as the lab starts them. */
const frontsBefore = (upstream: string, model: string, id: string) =>
  new Fronts({ upstream, model, runDir: mkdtempSync(join(tmpdir(), "contract-fronts-")), id, startupTimeoutMs: 120_000 });

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
        const fronts = frontsBefore(handle.spec.baseUrl, handle.spec.servedName, kind);
        const ctx: SuiteContext = {
          target: { baseUrl: handle.spec.baseUrl, directUrl: handle.spec.baseUrl, model: handle.spec.servedName, engine: handle.spec.engine, capabilities: handle.spec.capabilities, path: "direct", timeScale: 1, requestTimeoutMs: 120_000 },
          repetitions: 1, clock: monotonicClock(), signal: new AbortController().signal, onPhase: () => {}, openFront: (k) => fronts.open(k),
        };
        const point = { id: "contract", serverId: engine.alias, params: {}, server: {}, client: {} };
        const rowCtx = { point, engine: "llamacpp", launcher: "local", path: "direct", simulated: false, timeScale: 1, startedAt: new Date().toISOString() };
        const result = await runSuite(ctx, suite, options, point, rowCtx, () => handle.logTail()).finally(() => fronts.closeAll());
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

/**
 * The timeout contract: against a server that accepts every request and never answers, each suite's requests
 * give up after request_timeout_s and report it to the point's runner (which then stops the point), so no suite
 * waits on a frozen engine for the client's 600 s default.
 */
describe("suite contract: every registered suite honours request_timeout_s", () => {
  for (const kind of suiteKinds()) {
    it(`${kind}`, async () => {
      const silent = createServer((req) => req.resume()); // reads the request, never answers
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const fronts = frontsBefore(baseUrl, "tiny", kind);
      try {
        const suite = suiteFor(kind);
        const options = resolveOptions(suite, { ...small(kind), repetitions: 1 }, `contract ${kind}`);
        const abort = new AbortController();
        const timeouts: string[] = [];
        const none = { openaiChat: true, anthropicMessages: false, tokenize: null, resetPrefixCache: null, metrics: null } as const;
        const ctx: SuiteContext = {
          target: { baseUrl, directUrl: baseUrl, model: "tiny", capabilities: none, path: "direct", timeScale: 1, requestTimeoutMs: 300 },
          repetitions: 1, clock: monotonicClock(), signal: abort.signal, onPhase: () => {}, openFront: (k) => fronts.open(k),
          onRequestTimeout: (error) => {
            timeouts.push(error);
            abort.abort(); // as the point's runner does
          },
        };
        const point = { id: "contract", serverId: "silent", params: {}, server: {}, client: {} };
        const rowCtx = { point, engine: "llamacpp", launcher: "local", path: "direct", simulated: false, timeScale: 1, startedAt: new Date().toISOString() };
        await runSuite(ctx, suite, options, point, rowCtx, () => "");
        expect(timeouts.length).toBeGreaterThan(0);
        expect(timeouts[0]).toMatch(/timeout|timed out/i);
      } finally {
        await fronts.closeAll();
        silent.closeAllConnections();
        silent.close();
      }
    }, 30_000);
  }
});
