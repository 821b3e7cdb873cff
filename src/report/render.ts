import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { failure } from "../errors.ts";

/** Compiles a Vega-Lite spec to Vega; throws naming the chart when the spec is invalid. */
export function compileSpec(spec: TopLevelSpec, id: string): vega.Spec {
  try {
    return vl.compile(spec).spec;
  } catch (err) {
    throw failure(`chart '${id}': invalid Vega-Lite spec: ${(err as Error).message}`);
  }
}

/** Renders a spec to SVG in Node (headless Vega view, no browser). */
export async function renderSvg(spec: TopLevelSpec, id: string): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec, id)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
