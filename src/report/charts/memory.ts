import { metricOf } from "../load-run.ts";
import { candidatesOf } from "../candidates.ts";
import { variedParams } from "../scenario.ts";
import { SCHEMA, skipped, sortedLabels, type Chart, type ChartInput } from "./types.ts";

const ID = "memory";
/** The parameter users tune to fit memory on vLLM; other runs fall back to their first varied server parameter. */
const UTILIZATION = "gpu-memory-utilization";

/**
 * Memory per engine start by parameter: GPU memory headroom (total minus peak used, tightest GPU) by
 * gpu-memory-utilization, or on CPU engines the engine's peak resident memory.
 */
export function memoryChart({ run }: ChartInput): Chart {
  const gpu = run.rows.some((r) => metricOf(r, "gpu_mem_headroom_gib") !== undefined);
  const metric = gpu ? "gpu_mem_headroom_gib" : "engine_rss_gib_max";
  const what = gpu ? "GPU memory headroom" : "Engine memory (peak RSS)";
  const param = run.serverParams.includes(UTILIZATION) ? UTILIZATION : variedParams(run)[0];
  const title = `${what} by ${param ?? "configuration"}`;
  // headroom: the least any of a configuration's points saw; RSS: the most
  const pick = gpu ? Math.min : Math.max;
  const values = candidatesOf(run).flatMap((c) => {
    const measured = c.rows.map((r) => metricOf(r, metric)).filter((v): v is number => v !== undefined);
    if (!measured.length) return [];
    return [{ value: param ? String(c.server[param] ?? "") : c.label, configuration: c.label, gib: pick(...measured) }];
  });
  if (!values.length) return skipped(ID, "Memory by parameter", "no telemetry: neither GPU memory (nvidia) nor engine memory (proc) was sampled");
  const x = { field: "value", type: "ordinal" as const, title: param ?? "configuration", sort: sortedLabels(values.map((v) => v.value)) };
  const y = { field: "gib", type: "quantitative" as const, title: gpu ? "headroom at peak, GiB (tightest GPU)" : "peak resident memory, GiB" };
  return {
    id: ID, title,
    spec: {
      $schema: SCHEMA, title, width: 360, height: 260, data: { values },
      layer: [
        { mark: { type: "bar", opacity: 0.35 }, encoding: { x, y: { ...y, aggregate: gpu ? "min" : "max" } } },
        { mark: { type: "circle", size: 60, tooltip: true }, encoding: { x, y, tooltip: [{ field: "configuration" }, { field: "gib", format: ".2f" }] } },
      ],
    },
  };
}
