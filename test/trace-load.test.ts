import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../src/errors.ts";
import { replaySuite } from "../src/suites/replay.ts";
import { loadTrace } from "../src/trace/load.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-trace-"));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const line = (o: object) => JSON.stringify(o);
const req = (session: string, index: number, extra: object = {}) => ({ session, index, body: { model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }, ...extra });

function failure(fn: () => unknown): LabError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error("expected a failure");
}

describe("trace files", () => {
  it("groups requests into sessions in index order, sub-agents with their parent", () => {
    const file = write("ok.jsonl", [line(req("a", 1, { think_ms: 50 })), "", line(req("a", 0, { start_ms: 0 })), line(req("a/agent-1", 0, { parent: { session: "a", index: 0 } }))].join("\n"));
    const trace = loadTrace(file);
    expect(trace.format).toBe("lab");
    expect(trace.sessions.map((s) => [s.id, s.requests.map((r) => r.index), s.parent?.index])).toEqual([["a", [0, 1], undefined], ["a/agent-1", [0], 0]]);
  });

  it("bad input is a one-line error naming the file and line, exit 2", () => {
    const notJson = failure(() => loadTrace(write("bad.jsonl", `${line(req("a", 0))}\n{"session": "a", "index": 1,\n`)));
    expect(notJson.exitCode).toBe(2);
    expect(notJson.message).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(notJson.message).not.toContain("\n");
    const empty = failure(() => loadTrace(write("empty.jsonl", "\n\n")));
    expect(empty.message).toMatch(/empty\.jsonl: no requests in the trace/);
    expect(empty.exitCode).toBe(2);
    const field = failure(() => loadTrace(write("field.jsonl", `${line(req("a", 0))}\n${line({ session: "a", index: 1, body: { messages: [] } })}`)));
    expect(field.message).toMatch(/field\.jsonl:2: field 'body\.messages': needs at least one message/);
    const twice = failure(() => loadTrace(write("twice.jsonl", `${line(req("a", 0))}\n${line(req("a", 0))}`)));
    expect(twice.message).toMatch(/twice\.jsonl:2: session 'a' has request index 0 twice/);
    const orphan = failure(() => loadTrace(write("orphan.jsonl", line(req("b", 0, { parent: { session: "zz", index: 3 } })))));
    expect(orphan.message).toMatch(/orphan\.jsonl:1: .*parent zz#3/);
    const missing = failure(() => loadTrace(join(dir, "nope.jsonl")));
    expect(missing.message).toMatch(/nope\.jsonl: cannot read the trace \(ENOENT\)/);
  });

  it("reads Mooncake-style lines: hash ids become shared prompt blocks, timestamps become start times", () => {
    const file = write("mooncake.jsonl", [
      line({ timestamp: 1000, input_length: 1200, output_length: 10, hash_ids: [7, 8, 9] }),
      line({ timestamp: 1500, input_length: 1600, output_length: 12, hash_ids: [7, 8, 11, 12] }),
      line({ timestamp: 2000, input_length: 300, output_length: 5, hash_ids: [42] }),
    ].join("\n"));
    const trace = loadTrace(file, { blockTokens: 512 });
    expect(trace.format).toBe("mooncake");
    expect(trace.sessions.map((s) => s.startMs)).toEqual([0, 500, 1000]);
    const prompt = (i: number) => String((trace.sessions[i].requests[0].body.messages[0] as { content: string }).content);
    const words = (i: number) => prompt(i).split(" ");
    expect(words(0)).toHaveLength(1200);
    expect(words(1)).toHaveLength(1600);
    // Blocks 7 and 8 (1024 words) are shared, block 9 vs 11 differs.
    expect(words(1).slice(0, 1024)).toEqual(words(0).slice(0, 1024));
    expect(words(1).slice(1024, 1200)).not.toEqual(words(0).slice(1024, 1200));
    expect(prompt(2).startsWith(words(0).slice(0, 20).join(" "))).toBe(false);
    expect(trace.sessions[1].requests[0].body.max_tokens).toBe(12);
    expect(trace.sessions[1].requests[0].outcome?.output_tokens).toBe(12);
    const bad = failure(() => loadTrace(write("moon-bad.jsonl", `${line({ timestamp: 1, input_length: 5, output_length: 1, hash_ids: [1] })}\n${line({ timestamp: 2, input_length: -1, output_length: 1, hash_ids: [] })}`)));
    expect(bad.message).toMatch(/moon-bad\.jsonl:2: field 'input_length'/);
  });

  it("a grid naming a broken trace is refused when it is loaded, with the trace's own line", () => {
    const broken = write("broken.jsonl", `${line(req("a", 0))}\n{oops\n`);
    const parsed = replaySuite.options.safeParse({ trace: broken });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(["trace"]);
    expect(parsed.error!.issues[0].message).toMatch(/broken\.jsonl:2: not valid JSON/);
    expect(replaySuite.options.safeParse({ trace: write("fine.jsonl", line(req("a", 0))) }).success).toBe(true);
  });
});
