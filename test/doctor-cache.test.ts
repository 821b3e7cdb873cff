import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { doctorTrace } from "../src/doctor/cache-doctor.ts";
import { startProxy } from "../src/proxy/index.ts";
import { groupSessions } from "../src/trace/sessions.ts";
import { promptSegments } from "../src/trace/render.ts";
import type { Trace } from "../src/trace/schema.ts";
import { plantedBreaksTrace } from "./helpers/planted-breaks.ts";
import { startScriptedUpstream } from "./helpers/scripted-upstream.ts";

const { lines, planted } = plantedBreaksTrace();
const trace: Trace = { source: "planted", format: "lab", sessions: groupSessions(lines, "planted") };
const rendered = (index: number, view: "raw" | "proxy") => Buffer.from(promptSegments(lines[index].body as never, view).map((s) => s.text).join(""));

describe("prefix-stability doctor", () => {
  it("finds every planted break at its exact path, character and byte, and nothing else", async () => {
    const report = await doctorTrace(trace, "raw");
    const found = report.rows.filter((r) => r.break);
    expect(found.map((r) => r.index)).toEqual(planted.map((p) => p.index));
    for (const p of planted) {
      const row = report.rows.find((r) => r.index === p.index)!;
      expect({ kind: row.break!.kind, path: row.break!.path, char: row.break!.char }).toEqual({ kind: p.kind, path: p.path, char: p.char });
      // The byte offset is where the rendered prompts really part: equal before it, different at it.
      const [prev, cur] = [rendered(p.index - 1, "raw"), rendered(p.index, "raw")];
      const at = row.break!.byte;
      expect(prev.subarray(0, at).equals(cur.subarray(0, at))).toBe(true);
      expect(prev[at]).not.toBe(cur[at]);
      expect(row.recompute_tokens).toBeGreaterThan(0);
      expect(row.shared_tokens + row.recompute_tokens).toBe(report.rows.find((r) => r.index === p.index - 1)!.prompt_tokens);
    }
    expect(report.breaks).toEqual(Object.fromEntries(planted.map((p) => [p.kind, 1])));
  });

  it("through the proxy the billing-header break is gone (and the same text in another form), the others remain", async () => {
    const report = await doctorTrace(trace, "proxy");
    const kinds = report.rows.filter((r) => r.break).map((r) => r.break!.kind);
    expect(kinds).toEqual(planted.filter((p) => p.kind !== "billing_header" && p.kind !== "content_form").map((p) => p.kind));
    const billing = report.rows.find((r) => r.index === planted[0].index)!;
    expect(billing.break).toBeUndefined();
    expect(billing.ideal_hit_ratio).toBeGreaterThan(0.9);
  });

  it("llama-server's own /v1/messages overwrites cch= with fffff: there too the billing break is gone", async () => {
    const report = await doctorTrace(trace, "llamacpp-native");
    expect(report.rows.filter((r) => r.break).map((r) => r.break!.kind)).toEqual(planted.filter((p) => p.kind !== "billing_header").map((p) => p.kind));
  });

  it("bench doctor cache prints the table, writes the JSON and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-doctor-"));
    const file = join(dir, "planted.jsonl");
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const run = await execa("npx", ["bench", "doctor", "cache", file], { reject: false });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/planted#1 .*system\[0\]\.text char \d+ \(byte \d+\): billing header cch= in system\[0\] changed/);
    expect(run.stdout).toMatch(/breaks: billing_header x1, reminder_timestamp x1, tools_reordered x1, tool_description x1, thinking_dropped x1, whitespace x1, content_form x1/);
    const json = JSON.parse(readFileSync(`${file}.doctor.json`, "utf8"));
    expect(json.rows).toHaveLength(lines.length);
    const bad = await execa("npx", ["bench", "doctor", "cache", join(dir, "missing.jsonl")], { reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("bench proxy --cache-doctor logs one line per break the engine sees", async () => {
    const upstream = await startScriptedUpstream();
    const notices: string[] = [];
    const proxy = await startProxy({ upstream: upstream.url, port: 0, cacheDoctor: true, notice: (l) => notices.push(l) });
    try {
      for (const line of lines) {
        const res = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST", headers: { "content-type": "application/json", "x-claude-code-session-id": "sess-1" }, body: JSON.stringify(line.body),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await proxy.close();
      await upstream.close();
    }
    const breaks = notices.filter((n) => n.startsWith("cache-doctor:"));
    const seen = planted.filter((p) => p.kind !== "billing_header" && p.kind !== "content_form");
    expect(breaks).toHaveLength(seen.length);
    seen.forEach((p, i) => expect(breaks[i]).toContain(`sess-1#${p.index} prefix broken at ${p.path}`));
    expect(breaks.join("\n")).not.toContain("billing");
    expect(breaks[0]).toMatch(/\d+ tokens to recompute; ideal hit \d+% vs achieved \d+%/);
  });
});
