import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vl from "vega-lite";
import { describe, expect, it } from "vitest";
import { writeReport } from "../src/report/write-report.ts";

const FIX = "test/fixtures/runs";
const tmp = () => mkdtempSync(join(tmpdir(), "tunelab-report-"));

describe("writeReport", () => {
  it("writes valid Vega-Lite specs, SVGs, the libraries and index.html for a llama.cpp run", async () => {
    const out = tmp();
    const { outDir, files } = await writeReport(`${FIX}/llamacpp-glm`, out);
    expect(outDir).toBe(out);
    const specs = readdirSync(out).filter((f) => f.endsWith(".vl.json")).sort();
    expect(specs).toEqual(["decode-by-parallel.vl.json", "decode-by-ubatch-size.vl.json", "heatmap.vl.json", "pareto.vl.json", "throughput-vs-concurrency.vl.json", "ttft-cold-warm.vl.json"]);
    for (const f of specs) {
      const spec = JSON.parse(readFileSync(join(out, f), "utf8"));
      expect(() => vl.compile(spec)).not.toThrow();
      expect(readFileSync(join(out, f.replace(".vl.json", ".svg")), "utf8")).toContain("<svg");
    }
    expect(files).toContain(join(out, "lib", "vega-embed.min.js"));
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|fastly)/);
    expect(html).toContain('src="lib/vega.min.js"');
    expect(html).toContain("cudaMalloc failed: out of memory");
    const pareto = JSON.parse(readFileSync(join(out, "pareto.vl.json"), "utf8"));
    const winner = pareto.data.values.find((v: { status: string }) => v.status === "winner");
    expect(winner).toMatchObject({ configuration: "parallel=5 ubatch-size=512", throughput: 121 });
  });

  it("skips charts whose data is absent with a note, and honours --heatmap", async () => {
    const out = tmp();
    await writeReport(`${FIX}/legacy-v0`, out);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("Skipped: no cold/warm scenarios were measured");
    expect(html).toContain("Skipped: fewer than two server parameters took more than one value");
    const out2 = tmp();
    await writeReport(`${FIX}/vllm-glm`, out2, { heatmap: ["autotune", "gpu-memory-utilization"] });
    const heat = JSON.parse(readFileSync(join(out2, "heatmap.vl.json"), "utf8"));
    expect(heat.data.values).toContainEqual({ x: "true", y: "0.92", value: 216 });
    await expect(writeReport(`${FIX}/vllm-glm`, tmp(), { heatmap: ["autotune", "nope"] })).rejects.toThrow(/'nope' is not a parameter/);
  });

  it("draws the replay's charts from a replay run: TTFT by depth, hit ratio ideal vs achieved, per-session timeline", async () => {
    const out = tmp();
    await writeReport(`${FIX}/llamacpp-replay`, out);
    const spec = (id: string) => JSON.parse(readFileSync(join(out, `${id}.vl.json`), "utf8"));
    const depth = spec("ttft-by-depth");
    expect(new Set(depth.data.values.map((v: { configuration: string }) => v.configuration))).toEqual(new Set(["path=direct", "path=proxy"]));
    expect(depth.data.values.every((v: { depth: string; ttft_ms_p50: number }) => v.depth === "0-8k" && v.ttft_ms_p50 > 0)).toBe(true);
    const hit = spec("hit-ratio");
    expect(hit.data.values).toHaveLength(4);
    for (const v of hit.data.values) expect(v.hit_ratio).toBeGreaterThanOrEqual(0);
    const timeline = spec("session-timeline");
    // requests.csv of the first repetition's session scenario: 6 requests per path, in 4 sessions each.
    expect(timeline.data.values).toHaveLength(12);
    for (const v of timeline.data.values) {
      expect(v.end_s).toBeGreaterThan(v.start_s);
      expect(v.cached_end_s).toBeGreaterThanOrEqual(v.start_s);
      expect(v.cached_end_s).toBeLessThanOrEqual(v.end_s);
    }
    for (const id of ["ttft-by-depth", "hit-ratio", "session-timeline"]) {
      expect(() => vl.compile(spec(id))).not.toThrow();
      expect(readFileSync(join(out, `${id}.svg`), "utf8")).toContain("<svg");
    }
  });
});
