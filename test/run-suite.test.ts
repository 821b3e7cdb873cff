import { describe, expect, it } from "vitest";
import { z } from "zod";
import { monotonicClock } from "../src/client/types.ts";
import { runSuite } from "../src/lab/run-suite.ts";
import type { Suite, SuiteContext } from "../src/suites/types.ts";

const point = { id: "p1", serverId: "s1", params: { parallel: 2 }, server: { parallel: 2 }, client: {} };
const rowCtx = { point, engine: "llamacpp", launcher: "local", path: "direct", simulated: false, timeScale: 1, startedAt: "2026-01-01T00:00:00Z" };
const ctx: SuiteContext = {
  target: { baseUrl: "http://127.0.0.1:1", model: "m", path: "direct", timeScale: 4, capabilities: { openaiChat: true, anthropicMessages: false, tokenize: null, resetPrefixCache: null, metrics: null } },
  repetitions: 1, clock: monotonicClock(), signal: new AbortController().signal, onPhase: () => {},
};
const MS = 1_000_000;
const record = { ok: true, gateWaitNs: 0, startNs: 0, firstTokenNs: 10 * MS, endNs: 30 * MS, chunkNs: [10 * MS, 20 * MS, 30 * MS], outputTokens: 3, promptTokens: 5 };

describe("runSuite (shared by bench grid and bench run)", () => {
  it("turns outcomes into rows, converting a simulator's wall time by the target's time scale", async () => {
    const suite: Suite<object> = { kind: "fake", description: "", options: z.object({}), clientParams: {}, run: async () => [{ scenario: "s", concurrency: 1, repetitions: [{ records: [record] }] }] };
    const r = await runSuite(ctx, suite, {}, point, rowCtx);
    expect(r.error).toBeUndefined();
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ point_id: "p1", status: "ok", suite: "fake", scenario: "s", parallel: 2, ttft_ms_p50: 40, e2el_ms_p50: 120 });
    expect(r.requests).toHaveLength(1);
    // telemetry windows stay on the lab's own clock: samples are stamped in wall time, not scaled
    expect(r.windows).toEqual([{ suite: "fake", scenario: "s", repetition: 0, startNs: 0, endNs: 30 * MS, outputTokens: 3 }]);
  });
  it("a suite that throws becomes one failed row with the detail, not an exception", async () => {
    const suite: Suite<object> = { kind: "boom", description: "", options: z.object({}), clientParams: {}, run: async () => { throw new Error("engine went away"); } };
    const r = await runSuite(ctx, suite, {}, point, rowCtx, () => "log tail line");
    expect(r.error).toBe("engine went away");
    expect(r.rows).toEqual([expect.objectContaining({ status: "failed", failure: "suite_error", suite: "boom", failure_detail: "engine went away\nlog tail line" })]);
    expect(r.requests).toEqual([]);
  });
});
