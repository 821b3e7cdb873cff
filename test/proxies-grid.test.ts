import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { ccrConfig, ccrCli } from "../src/sidecars/ccr.ts";
import { litellmConfig } from "../src/sidecars/litellm.ts";
import { processesMatching, processesMentioning } from "./helpers/engine-procs.ts";
import { startTinyServer } from "./helpers/tiny-server.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-proxies-"));
const bench = (args: string[]) => execa("node", ["bin/bench.mjs", ...args], { reject: false });

describe("sidecar configs", () => {
  it("LiteLLM: seed 000's shape, the engine's key only by reference (it goes to the environment)", () => {
    const config = parse(litellmConfig({ upstream: "http://127.0.0.1:8000", model: "glm", upstreamKey: "sk-engine-secret" }));
    expect(config).toEqual({
      model_list: ["glm", "claude-*"].map((model_name) => ({
        model_name, litellm_params: { model: "openai/glm", api_base: "http://127.0.0.1:8000/v1", api_key: "os.environ/TUNELAB_UPSTREAM_KEY" },
      })),
      litellm_settings: { drop_params: true, use_chat_completions_url_for_anthropic_messages: true },
    });
    expect(JSON.stringify(config)).not.toContain("sk-engine-secret");
  });
  it("claude-code-router: one provider, every request routed to it, the key as $NAME", () => {
    const config = JSON.parse(ccrConfig({ upstream: "http://127.0.0.1:8000", model: "glm", upstreamKey: "sk-engine-secret" }, "127.0.0.1", 4567));
    expect(config).toMatchObject({
      HOST: "127.0.0.1", PORT: 4567,
      Providers: [{ name: "lab", api_base_url: "http://127.0.0.1:8000/v1/chat/completions", api_key: "$TUNELAB_UPSTREAM_KEY", models: ["glm"] }],
      Router: { default: "lab,glm" },
    });
    expect(config.APIKEY).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain("sk-engine-secret");
  });
  it("claude-code-router is the pinned npm dependency", () => {
    expect(ccrCli().version).toBe("2.0.0");
  });
});

/** grids/proxies.yaml with fewer requests, plus `path: [direct, litellm]` so LiteLLM is also a suite's target. */
function smallProxiesGrid(): string {
  const grid = parse(readFileSync("grids/proxies.yaml", "utf8"));
  grid.name = "proxies-test";
  grid.served_name = `tiny-proxies-${process.pid}`;
  Object.assign(grid.suites[0].options, { requests: 4, output_tokens: 4 });
  grid.matrix = { path: ["direct", "litellm"] };
  const file = join(dir, "proxies.yaml");
  writeFileSync(file, stringify(grid));
  return file;
}

describe("grids/proxies.yaml on the tiny llama-server, real LiteLLM and claude-code-router", () => {
  it("measures direct, the lab's proxy, LiteLLM and claude-code-router side by side at 1 and 32 streams", async () => {
    const out = join(dir, "run");
    const r = await bench(["grid", smallProxiesGrid(), "--out", out, "--progress", "plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    const viaDirect = rows.filter((row) => row.path === "direct");
    expect(viaDirect.map((row) => `${row.scenario}@${row.scenario_concurrency}`)).toEqual([
      "direct@1", "proxy@1", "litellm@1", "ccr@1", "direct@32", "proxy@32", "litellm@32", "ccr@32",
    ]);
    for (const row of viaDirect) {
      expect(row.status, row.failure_detail).toBe("ok");
      expect(Number(row.errors)).toBe(0);
      expect(Number(row.requests_sent)).toBe(row.scenario_concurrency === "1" ? 4 : 32); // 4 per path, in rounds of 32 at c32
      if (row.scenario !== "ccr") expect(Number(row.output_tokens_mean), row.scenario).toBe(4); // ccr does not ask for stream usage
      expect(Number(row.ttft_ms_p50)).toBeGreaterThan(0);
      if (row.scenario === "direct") continue;
      for (const c of ["proxy_added_ttft_ms", "proxy_added_ttft_ms_p99"]) expect(Number.isFinite(Number(row[c])) && row[c] !== "", c).toBe(true);
      expect(Number(row.proxy_added_ttft_ms)).toBeCloseTo(Number(row.ttft_ms_p50) - Number(viaDirect.find((d) => d.scenario === "direct" && d.scenario_concurrency === row.scenario_concurrency)!.ttft_ms_p50), 1);
    }
    // `path: litellm`: LiteLLM is the suites' target, and the proxy suite measures it against direct
    const viaLitellm = rows.filter((row) => row.path === "litellm");
    expect(viaLitellm.map((row) => `${row.status}/${row.scenario}@${row.scenario_concurrency}`)).toEqual(["ok/direct@1", "ok/litellm@1", "ok/direct@32", "ok/litellm@32"]);

    // one engine start, each sidecar started once for it (the path and the suite share LiteLLM), and really used
    const logs = readdirSync(join(out, "logs")).sort();
    const id = viaDirect[0].server_id;
    expect(logs).toEqual([`${id}-ccr.log`, `${id}-litellm.log`, `${id}-proxy.log`, `${id}.log`]);
    const proxyLog = readFileSync(join(out, "logs", `${id}-proxy.log`), "utf8"); // `bench proxy`, its own process
    expect(proxyLog.match(/POST \/v1\/messages 200/g)!.length).toBeGreaterThanOrEqual(4 + 32);
    const litellmLog = readFileSync(join(out, "logs", logs.find((f) => f.endsWith("-litellm.log"))!), "utf8");
    expect(litellmLog.match(/Uvicorn running on http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(1);
    expect(litellmLog.match(/"POST \/v1\/messages HTTP\/1\.1" 200/g)!.length).toBeGreaterThanOrEqual(2 * (4 + 32));
    const sidecarDirs = readdirSync(join(out, "sidecars"));
    const litellmDir = join(out, "sidecars", sidecarDirs.find((d) => d.endsWith("-litellm"))!);
    expect(readFileSync(join(litellmDir, "litellm.yaml"), "utf8")).not.toMatch(/sk-/); // its master key lives in its environment only
    expect(readFileSync(join(out, "logs", logs.find((f) => f.endsWith("-ccr.log"))!), "utf8")).toMatch(/Loaded JSON config/);

    // the report draws the four side by side
    const report = join(dir, "report");
    expect((await bench(["report", out, "--out", report])).exitCode).toBe(0);
    const spec = JSON.parse(readFileSync(join(report, "proxies.vl.json"), "utf8"));
    expect(new Set(spec.data.values.map((v: { path: string }) => v.path))).toEqual(new Set(["direct", "proxy", "litellm", "ccr"]));
    expect(readFileSync(join(report, "proxies.svg"), "utf8")).toContain("<svg");
    expect(readFileSync(join(report, "index.html"), "utf8")).toContain("What each proxy adds");
    expect(processesMentioning(out)).toEqual([]);
  }, 900_000);

  it("bench run --suite proxy against an engine starts the proxies in front of it, and stops them", async () => {
    const engine = await startTinyServer();
    try {
      const out = join(dir, "bench-run");
      const r = await bench(["run", "--url", engine.baseUrl, "--suite", "proxy", "--set", "proxy.proxies=[proxy,ccr]", "--set", "proxy.requests=3", "--set", "proxy.output_tokens=4", "--out", out, "--progress", "plain"]);
      expect(r.exitCode, r.stderr).toBe(0);
      const rows = readCsv(join(out, "points.csv"));
      expect(rows.map((row) => `${row.status}/${row.scenario}/${row.requests_sent}`)).toEqual(["ok/direct/3", "ok/proxy/3", "ok/ccr/3"]);
      expect(readdirSync(join(out, "logs")).sort()).toEqual(["run-ccr.log", "run-proxy.log"]);
      expect(processesMentioning(out)).toEqual([]);
    } finally {
      await engine.stop();
    }
  }, 300_000);

  it("no sidecar outlives a bench killed with SIGKILL", async () => {
    const out = join(dir, "killed");
    const grid = parse(readFileSync("grids/proxies.yaml", "utf8"));
    Object.assign(grid, { name: "proxies-killed", served_name: `tiny-killed-${process.pid}`, path: "ccr", suites: [{ kind: "chat", options: { requests: 500, output_tokens: 64, warmup: 0 } }] });
    const file = join(dir, "killed.yaml");
    writeFileSync(file, stringify(grid));
    const child = execa("node", ["bin/bench.mjs", "grid", file, "--out", out, "--progress", "plain"], { reject: false, all: true });
    let output = "";
    child.all!.on("data", (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 180_000;
    while (!/p256-o64 rep 1/.test(output) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 500));
    expect(processesMentioning(join(out, "sidecars")).length, output).toBeGreaterThan(0); // claude-code-router is up and serving
    child.kill("SIGKILL");
    await child;
    const left = () => [...processesMentioning(out), ...processesMatching(`tiny-killed-${process.pid}`)];
    const gone = Date.now() + 30_000;
    while (left().length && Date.now() < gone) await new Promise((res) => setTimeout(res, 500));
    expect(left()).toEqual([]); // the watchdogs took claude-code-router and the engine down with bench
  }, 300_000);
});
