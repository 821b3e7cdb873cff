import { badInput } from "../errors.ts";
import type { Grid } from "./schema.ts";
import { engineFor } from "../engines/registry.ts";
import { checkEnvParam, isEnvParam } from "../engines/env-params.ts";
import { suiteFor } from "../suites/registry.ts";
import { launcherFor } from "../launchers/registry.ts";
import { TELEMETRY_COLUMNS } from "../telemetry/columns.ts";
import { telemetryKinds } from "../telemetry/registry.ts";
import { metricColumns } from "../metrics/registry.ts";
import { SERVER_COLUMNS } from "../metrics/server-deltas.ts";
import { LEADING_COLUMNS, SCENARIO_COLUMNS, SCENARIO_TAIL_COLUMNS, TRAILING_COLUMNS } from "../results/columns.ts";
import { isSuiteClientParam } from "./params.ts";
import type { z } from "zod";

/** The first problem of a suite's options, as `options.NAME': message`, or undefined. */
function optionsIssue(schema: z.ZodType, options: Record<string, unknown>): string | undefined {
  const parsed = schema.safeParse(options);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `options${issue.path.length ? "." + issue.path.join(".") : ""}': ${issue.message}`;
}

/** Columns a parameter may not be named after: its value would be ambiguous with what the lab writes there. */
function reservedColumns(): Set<string> {
  const all = [...LEADING_COLUMNS, ...SCENARIO_COLUMNS, ...SCENARIO_TAIL_COLUMNS, ...TRAILING_COLUMNS, ...metricColumns(), ...SERVER_COLUMNS, ...TELEMETRY_COLUMNS];
  return new Set(all.filter((c) => c !== "path"));
}

/** Cross-field checks the schema cannot express; every message names the field and the fix. */
export function validateGrid(grid: Grid, file: string): void {
  const engine = engineFor(grid.engine);
  for (const [name, values] of Object.entries(grid.matrix)) {
    if (name in grid.args) throw badInput(`${file}: field 'matrix.${name}' is also set in 'args'`, "keep it in one place");
    if (isEnvParam(name)) checkEnvParam(name, `${file}: field 'matrix.${name}'`);
    else engine.checkParam?.(name, values, `${file}: field 'matrix.${name}'`);
  }
  for (const [name, value] of Object.entries(grid.args)) engine.checkParam?.(name, [value], `${file}: field 'args.${name}'`);
  grid.exclude.forEach((rule, i) => {
    for (const key of Object.keys(rule)) {
      if (!(key in grid.matrix)) {
        throw badInput(`${file}: field 'exclude.${i}.${key}' is not a matrix parameter`, `known: ${Object.keys(grid.matrix).join(", ") || "none"}`);
      }
    }
  });
  const reserved = reservedColumns();
  for (const name of Object.keys(grid.matrix)) {
    if (reserved.has(name)) throw badInput(`${file}: field 'matrix.${name}': '${name}' is a points.csv column the lab writes itself`, "rename the parameter");
  }
  const clientParams = Object.keys(grid.matrix).filter(isSuiteClientParam);
  grid.suites.forEach((entry, i) => {
    const suite = suiteFor(entry.kind, `${file}: field 'suites.${i}.kind'`);
    const issue = optionsIssue(suite.options, entry.options);
    if (issue) throw badInput(`${file}: field 'suites.${i}.${issue}`);
    for (const name of clientParams) {
      const set = suite.clientParams[name];
      if (!set) {
        const honoured = Object.keys(suite.clientParams).join(", ") || "none";
        throw badInput(`${file}: suite '${entry.kind}' does not honour client parameter '${name}' (field 'matrix.${name}'; it honours: ${honoured})`,
          `points differing only in '${name}' would measure the same thing: set it in the suite's options, or run that suite in another grid`);
      }
      for (const value of grid.matrix[name]) {
        const bad = optionsIssue(suite.options, { ...entry.options, ...set(value) });
        if (bad) throw badInput(`${file}: field 'matrix.${name}': value ${value} does not fit suite '${entry.kind}' ('${bad})`);
      }
    }
  });
  launcherFor(grid.launcher.kind, `${file}: field 'launcher.kind'`);
  if (!telemetryKinds().includes(grid.telemetry.kind)) {
    throw badInput(`${file}: field 'telemetry': unknown telemetry kind '${grid.telemetry.kind}'`, `known: ${telemetryKinds().join(", ")}`);
  }
}
