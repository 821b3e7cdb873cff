import { badInput } from "../errors.ts";
import type { Grid } from "./schema.ts";
import { engineFor } from "../engines/registry.ts";
import { suiteFor } from "../suites/registry.ts";
import { launcherKinds } from "../launchers/kinds.ts";
import { telemetryKinds } from "../telemetry/registry.ts";

/** Cross-field checks the schema cannot express; every message names the field and the fix. */
export function validateGrid(grid: Grid, file: string): void {
  const engine = engineFor(grid.engine);
  for (const [name, values] of Object.entries(grid.matrix)) {
    if (name in grid.args) throw badInput(`${file}: field 'matrix.${name}' is also set in 'args'`, "keep it in one place");
    engine.checkParam?.(name, values, `${file}: field 'matrix.${name}'`);
  }
  for (const [name, value] of Object.entries(grid.args)) engine.checkParam?.(name, [value], `${file}: field 'args.${name}'`);
  grid.exclude.forEach((rule, i) => {
    for (const key of Object.keys(rule)) {
      if (!(key in grid.matrix)) {
        throw badInput(`${file}: field 'exclude.${i}.${key}' is not a matrix parameter`, `known: ${Object.keys(grid.matrix).join(", ") || "none"}`);
      }
    }
  });
  grid.suites.forEach((entry, i) => {
    const suite = suiteFor(entry.kind, `${file}: field 'suites.${i}.kind'`);
    const parsed = suite.options.safeParse(entry.options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(`${file}: field 'suites.${i}.options.${issue.path.join(".")}': ${issue.message}`);
    }
  });
  if (!launcherKinds().includes(grid.launcher.kind)) {
    throw badInput(`${file}: field 'launcher.kind': unknown launcher '${grid.launcher.kind}'`, `known: ${launcherKinds().join(", ")}`);
  }
  if (!telemetryKinds().includes(grid.telemetry.kind)) {
    throw badInput(`${file}: field 'telemetry': unknown telemetry kind '${grid.telemetry.kind}'`, `known: ${telemetryKinds().join(", ")}`);
  }
}
