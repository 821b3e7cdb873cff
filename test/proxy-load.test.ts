import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicParams, sdkStream, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { checkStreamGrammar } from "./helpers/proxy-stream-check.ts";
import { chunk, textChunks } from "./helpers/scripted-upstream.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    record: false,
    script: (req) => {
      const id = String((req.body?.messages as { content: string }[])[0].content);
      const pieces = [id, ...Array.from({ length: 15 }, (_, i) => ` t${i}`)];
      return { chunks: [chunk({ reasoning: "r" }), ...textChunks(pieces)], chunkDelayMs: 2 };
    },
  });
});
afterAll(() => h.close());

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

async function batch(n: number, tag: string): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      sdkStream(h.client, { ...basicParams, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: `${tag}-${i}` }] }),
    ),
  );
  results.forEach(({ events, message }, i) => {
    checkStreamGrammar(events);
    const text = message.content.find((b) => b.type === "text");
    expect(text && "text" in text ? text.text : "").toBe(`${tag}-${i}${Array.from({ length: 15 }, (_, k) => ` t${k}`).join("")}`);
  });
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe("proxy under load", () => {
  it("runs 1,000 concurrent streams without errors, and a second thousand without heap growth", { timeout: 240_000 }, async () => {
    await batch(1000, "a");
    const before = heapAfterGc();
    await batch(1000, "b");
    const after = heapAfterGc();
    // Per-stream state left behind would cost far more than this across 1,000 streams.
    expect(after - before).toBeLessThan(16 * 1024 * 1024);
  });
});
