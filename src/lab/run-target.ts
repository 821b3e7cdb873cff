import { fetchText, modelOf } from "../client/server-probe.ts";
import { probeServer } from "./probe-server.ts";
import { Fronts } from "./fronts.ts";
import type { Capabilities, EngineKind } from "../engines/types.ts";
import type { Api, Target } from "../suites/types.ts";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { monotonicClock } from "../client/types.ts";
import { badInput, failure } from "../errors.ts";
import type { Point } from "../grid/expand.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { PointRow } from "../results/columns.ts";
import { buildManifest } from "../results/manifest.ts";
import { RunStore } from "../results/run-store.ts";
import { resolveOptions } from "../suites/definitions.ts";
import { suiteFor } from "../suites/registry.ts";
import { registerSecret } from "../util/secrets.ts";
import { measuredColumns } from "./measured-columns.ts";
import type { RowContext } from "./rows.ts";
import { runSuite } from "./run-suite.ts";
import { simInfo } from "../client/sim-clock.ts";

export interface ProbedTarget {
  target: Target;
  /** Engine detected from /metrics names or /props; "unknown" for servers that show neither (LiteLLM, proxies). */
  engine: EngineKind | "unknown";
}

/**
 * Detects what a running server is and can do, for `bench run` and `bench warmup`: engine from /metrics
 * names (or llama.cpp's /props), model from /v1/models, and the tokenize, metrics and cache-reset abilities.
 * /reset_prefix_cache is never called here: on vLLM it is noted and tried (it needs VLLM_SERVER_DEV_MODE=1).
 */
export async function probeTarget(opts: { url: string; model?: string; api: Api; apiKey?: string }): Promise<ProbedTarget> {
  const baseUrl = opts.url.replace(/\/+$/, "").replace(/\/v1$/, "");
  const models = await fetchText(`${baseUrl}/v1/models`, { apiKey: opts.apiKey });
  if (!models) throw failure(`${baseUrl} cannot be reached (connection refused, reset or timed out)`, "is the server running? check --url");
  const model = opts.model ?? modelOf(models);
  if (!model) throw failure(`${baseUrl}: no model name (GET /v1/models answered ${models.status} with none)`, "pass --model NAME");
  const view = await probeServer(baseUrl, model, opts.apiKey);
  const engine = view.engine;
  const capabilities: Capabilities = { openaiChat: opts.api === "openai", anthropicMessages: opts.api === "anthropic", ...view.capabilities };
  const simulator = engine === "vllm" && (await simInfo(baseUrl, opts.apiKey)) !== undefined;
  return {
    engine,
    target: {
      baseUrl, model, apiKey: opts.apiKey, engine: engine === "unknown" ? undefined : engine, capabilities,
      path: baseUrl, api: opts.api, timeScale: 1, simClock: simulator,
    },
  };
}

export interface TargetRunOptions {
  url: string;
  suites: string[];
  out?: string;
  model?: string;
  api: Api;
  repetitions?: number;
  apiKeyEnv?: string;
  /** Suite options from the command line (`--set suite.option=value`), by suite kind. */
  options?: Record<string, Record<string, unknown>>;
  progress: ProgressObserver;
  signal: AbortSignal;
  requestTimeoutMs?: number;
}

/** `bench run`: the given suites against a running server, written as a one-point run directory (same files as a grid). */
export async function runTarget(opts: TargetRunOptions): Promise<{ outDir: string; rows: PointRow[] }> {
  const suites = opts.suites.map((kind) => suiteFor(kind, "--suite"));
  for (const kind of Object.keys(opts.options ?? {})) {
    if (!opts.suites.includes(kind)) throw badInput(`--set ${kind}.…: suite '${kind}' is not among --suite ${opts.suites.join(",")}`, "add it to --suite, or fix the name");
  }
  const apiKey = opts.apiKeyEnv ? process.env[opts.apiKeyEnv] : undefined;
  if (opts.apiKeyEnv && !apiKey) throw badInput(`--api-key-env ${opts.apiKeyEnv}: that variable is not set`);
  registerSecret(apiKey);
  const outDir = resolve(opts.out ?? join("results", "run", new Date().toISOString().replace(/[:.]/g, "-")));
  if (existsSync(join(outDir, "points.csv"))) throw badInput(`--out ${outDir} already holds a run`, "choose another --out");
  const base = opts.repetitions ? { repetitions: opts.repetitions } : {};
  const options = suites.map((s) => resolveOptions(s, { ...(opts.options?.[s.kind] ?? {}), ...base }, `--suite ${s.kind}`));
  const probed = await probeTarget({ url: opts.url, model: opts.model, api: opts.api, apiKey });
  const target: Target = { ...probed.target, requestTimeoutMs: opts.requestTimeoutMs };
  const engine = probed.engine;
  const store = new RunStore(outDir, [], measuredColumns());
  const described = { url: target.baseUrl, api: opts.api, model: target.model, suites: opts.suites, repetitions: opts.repetitions, options: opts.options, capabilities: target.capabilities };
  const manifest = buildManifest({
    gridName: "run", gridFile: target.baseUrl, gridSha256: createHash("sha256").update(JSON.stringify(described)).digest("hex"),
    grid: described, engine, launcher: "external", paramNames: [], pointsTotal: 1,
  });
  store.writeManifest(manifest);
  const point: Point = { id: "run", serverId: "external", params: {}, server: {}, client: {} };
  const rowCtx: RowContext = { point, engine, launcher: "external", path: target.baseUrl, simulated: false, timeScale: 1, startedAt: manifest.started_at };
  // proxies the proxy suite puts in front of the server when it speaks OpenAI (it is the engine); stopped at the end
  const fronts = opts.api === "openai"
    ? new Fronts({ upstream: target.baseUrl, model: target.model, upstreamKey: apiKey, runDir: outDir, id: "run", startupTimeoutMs: 600_000, signal: opts.signal })
    : undefined;
  const ctx = {
    target, repetitions: opts.repetitions ?? 1, clock: monotonicClock(), signal: opts.signal, onPhase: (p: string) => opts.progress.phase(p),
    openFront: fronts && ((kind: string) => fronts.open(kind)),
  };
  opts.progress.gridStart({ name: `run ${target.baseUrl}`, points: suites.length, skipped: 0 });
  let failed = 0;
  try {
    for (const [i, suite] of suites.entries()) {
      if (opts.signal.aborted) break;
      opts.progress.pointStart({ index: i + 1, total: suites.length, pointId: suite.kind, label: `${suite.kind} (${engine}, ${opts.api})` });
      const result = await runSuite(ctx, suite, options[i], point, rowCtx);
      if (opts.signal.aborted) break;
      store.commitPoint(result.rows, result.requests);
      if (result.failed) failed++;
      const detail = result.error ?? (result.failed ? String(result.rows.find((r) => r.status === "failed")?.failure) : undefined);
      opts.progress.pointEnd({ pointId: suite.kind, status: result.failed ? "failed" : "ok", detail });
    }
  } finally {
    for (const kind of (await fronts?.closeAll()) ?? []) store.redactLog(fronts!.logId(kind));
  }
  if (!opts.signal.aborted) store.writeManifest({ ...manifest, ended_at: new Date().toISOString() });
  opts.progress.gridEnd({ ok: suites.length - failed, failed, skipped: 0, outDir });
  return { outDir, rows: store.allRows() };
}
