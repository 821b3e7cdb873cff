import type { Grid } from "../grid/schema.ts";
import type { LoadedRun } from "../report/load-run.ts";
import { metricOf, type RunRow } from "../report/load-run.ts";
import { scenarioKey } from "../report/scenario.ts";
import type { Selection } from "../report/select.ts";
import { secretSafeEnv } from "./shell.ts";

const HEADLINE = [
  "output_tok_s", "per_user_output_tok_s", "request_s", "ttft_ms_p50", "ttft_ms_p99", "tpot_ms_mean", "e2el_ms_p50", "e2el_ms_p99", "goodput_req_s",
  "tokens_per_joule", "power_w_mean", "tokens_per_cpu_s",
];

/** What the winner held in memory over its engine start: GPU headroom at peak (tightest GPU), peak used, peak RSS. */
function memoryOf(rows: RunRow[]): Record<string, number> {
  const values = (metric: string) => rows.map((r) => metricOf(r, metric)).filter((v): v is number => v !== undefined);
  const out: Record<string, number> = {};
  const headroom = values("gpu_mem_headroom_gib");
  const used = values("gpu_mem_used_gib_max");
  const rss = values("engine_rss_gib_max");
  if (headroom.length) out.gpu_mem_headroom_gib = Math.min(...headroom);
  if (used.length) out.gpu_mem_used_gib_max = Math.max(...used);
  if (rss.length) out.engine_rss_gib_max = Math.max(...rss);
  return out;
}

/** profile.yaml's content: what won, by how much, and where it came from. */
export function profileDoc(run: LoadedRun, grid: Grid, sel: Selection, name: string, engine: string): Record<string, unknown> {
  const w = sel.winner!;
  const metrics: Record<string, Record<string, number>> = {};
  for (const row of w.candidate.rows.filter((r) => r.status === "ok")) {
    const m: Record<string, number> = {};
    for (const k of HEADLINE) if (metricOf(row, k) !== undefined) m[k] = metricOf(row, k) as number;
    metrics[scenarioKey(row, run.clientParams)] = m;
  }
  const memory = memoryOf(w.candidate.rows.filter((r) => r.status === "ok"));
  return {
    name, simulated: run.simulated,
    ...(run.simulated ? { simulated_note: "numbers come from the built-in vLLM simulator, not from hardware: re-run the grid on the target machine before deploying" } : {}),
    engine, model: grid.model, served_name: grid.served_name ?? (engine === "vllm" ? grid.model : "model"),
    parameters: w.candidate.server, base_args: grid.args, env: secretSafeEnv(grid.env),
    objective: { metric: sel.objective.metric, direction: sel.objective.direction, scenario: sel.scenario, value: w.objective },
    ...(sel.runnerUp ? { runner_up: { parameters: sel.runnerUp.candidate.server, value: sel.runnerUp.objective } } : {}),
    slos: w.checks.map((c) => ({ slo: c.slo.text, scenario: c.scenario, value: c.value })),
    pareto: { latency: sel.latencyMetric, throughput: "output_tok_s", on_front: w.onFront, front_size: sel.front.length },
    ...(Object.keys(memory).length ? { memory } : {}),
    metrics,
    source: {
      run_dir: run.dir, grid_name: run.gridName, grid_file: run.manifest.grid_file, grid_sha256: run.manifest.grid_sha256,
      lab_version: run.manifest.lab_version, schema_version: run.schemaVersion, point_ids: w.candidate.pointIds,
      host: run.manifest.host?.hostname, gpus: run.manifest.host?.gpus ?? [],
    },
  };
}
