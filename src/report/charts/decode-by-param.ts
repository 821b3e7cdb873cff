import { metricOf, type RunRow } from "../load-run.ts";
import { variedParams } from "../scenario.ts";
import { SCHEMA, skipped, slug, sortedLabels, type Chart, type ChartInput } from "./types.ts";

const TITLE = "Decode tok/s by parameter";

/** Single-user decode speed: per-user output tok/s, else output tok/s, else 1000 / TPOT. */
export function decodeTokS(row: RunRow): number | undefined {
  const tpot = metricOf(row, "tpot_ms_mean");
  return metricOf(row, "per_user_output_tok_s") ?? metricOf(row, "output_tok_s") ?? (tpot ? 1000 / tpot : undefined);
}

/** One chart per server parameter with several values: decode tok/s of the `decode` suite (else of concurrency-1 rows). */
export function decodeByParamCharts({ run }: ChartInput): Chart[] {
  const ok = run.rows.filter((r) => r.status === "ok" && decodeTokS(r) !== undefined);
  const decode = ok.some((r) => r.suite === "decode") ? ok.filter((r) => r.suite === "decode") : ok.filter((r) => r.concurrency === 1);
  if (!decode.length) return [skipped("decode-by-param", TITLE, "no single-user decode measurement (decode suite or concurrency 1)")];
  const params = variedParams(run).filter((p) => new Set(decode.map((r) => String(r.params[p]))).size > 1);
  if (!params.length) return [skipped("decode-by-param", TITLE, "no server parameter took more than one value")];
  return params.map((param) => {
    const title = `Decode tok/s by ${param}`;
    const values = decode.filter((r) => r.params[param] !== undefined).map((r) => ({ value: String(r.params[param]), decode_tok_s: decodeTokS(r) }));
    const x = { field: "value", type: "ordinal" as const, title: param, sort: sortedLabels(values.map((v) => v.value)) };
    return {
      id: `decode-by-${slug(param)}`, title,
      spec: {
        $schema: SCHEMA, title, width: 320, height: 260, data: { values },
        layer: [
          { mark: { type: "bar", opacity: 0.35 }, encoding: { x, y: { field: "decode_tok_s", type: "quantitative", aggregate: "mean", title: "decode tok/s (single user)" } } },
          { mark: { type: "circle", size: 60, tooltip: true }, encoding: { x, y: { field: "decode_tok_s", type: "quantitative" } } },
        ],
      },
    };
  });
}
