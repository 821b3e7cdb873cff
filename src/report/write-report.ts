import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { failure, LabError } from "../errors.ts";
import { packagePath } from "../util/paths.ts";
import { redactText } from "../util/secrets.ts";
import { decodeByParamCharts } from "./charts/decode-by-param.ts";
import { efficiencyChart } from "./charts/efficiency.ts";
import { memoryChart } from "./charts/memory.ts";
import { heatmapChart } from "./charts/heatmap.ts";
import { paretoChart } from "./charts/pareto-chart.ts";
import { proxiesChart, proxiesSection } from "./charts/proxies.ts";
import { throughputChart } from "./charts/throughput.ts";
import { ttftColdWarmChart } from "./charts/ttft-cold-warm.ts";
import { prunedSection, searchChart } from "./charts/search.ts";
import { hitRatioChart } from "./charts/hit-ratio.ts";
import { sessionTimelineChart } from "./charts/session-timeline.ts";
import { ttftByDepthChart } from "./charts/ttft-by-depth.ts";
import type { Chart, ChartInput } from "./charts/types.ts";
import { LIBS, reportPage } from "./html.ts";
import { loadRun, type LoadedRun } from "./load-run.ts";
import { renderSvg } from "./render.ts";
import { failedSection, runSection, winnerSection } from "./sections.ts";
import { selectWinner, type Selection } from "./select.ts";

export interface ReportOptions {
  /** Parameters of the heatmap's axes; default: the first two server params with several values. */
  heatmap?: [string, string];
}

export function defaultReportDir(run: LoadedRun): string {
  return resolve("reports", run.gridName, run.name);
}

/** `bench report`: Vega-Lite specs, SVGs and an offline index.html for one run directory. */
export async function writeReport(runDir: string, outDir?: string, opts: ReportOptions = {}): Promise<{ outDir: string; files: string[] }> {
  const run = loadRun(runDir);
  const out = resolve(outDir ?? defaultReportDir(run));
  mkdirSync(out, { recursive: true });
  const input: ChartInput = { run, selection: defaultSelection(run), heatmap: opts.heatmap };
  const charts: Chart[] = [
    throughputChart(input), ttftColdWarmChart(input), ...decodeByParamCharts(input), heatmapChart(input), paretoChart(input),
    ttftByDepthChart(input), hitRatioChart(input), sessionTimelineChart(input), memoryChart(input), efficiencyChart(input),
    proxiesChart(input), searchChart(input),
  ];
  const files: string[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(out, name), redactText(text));
    files.push(join(out, name));
  };
  for (const chart of charts.filter((c) => c.spec)) {
    write(`${chart.id}.vl.json`, JSON.stringify(chart.spec, null, 2) + "\n");
    write(`${chart.id}.svg`, await renderSvg(chart.spec!, chart.id));
  }
  files.push(...copyLibs(out));
  const title = `${run.gridName} / ${run.name}${run.simulated ? " (simulated)" : ""}`;
  const proxies = proxiesSection(run);
  const pruned = prunedSection(run.dir);
  const extra = [proxies, pruned].filter((x) => x !== undefined);
  write("index.html", reportPage(title, [runSection(run), winnerSection(input.selection)], charts, [...extra, failedSection(run)]));
  return { outDir: out, files };
}

/** The SLO-free default promotion, to mark the winner; undefined when nothing was measured. */
function defaultSelection(run: LoadedRun): Selection | undefined {
  try {
    return selectWinner(run);
  } catch (err) {
    if (err instanceof LabError) return undefined;
    throw err;
  }
}

/** vega, vega-lite and vega-embed beside the page, so it works offline and from file://. */
export function copyLibs(out: string): string[] {
  mkdirSync(join(out, "lib"), { recursive: true });
  return LIBS.map(({ pkg, file }) => {
    const src = packagePath("node_modules", pkg, file);
    if (!existsSync(src)) throw failure(`${src} is missing`, "run `npm ci` to install vega, vega-lite and vega-embed");
    const dest = join(out, "lib", file.split("/").pop() as string);
    copyFileSync(src, dest);
    return dest;
  });
}
