import { metricColumns } from "../metrics/registry.ts";
import { SERVER_COLUMNS } from "../metrics/server-deltas.ts";
import { suiteColumns } from "../suites/registry.ts";
import { TELEMETRY_COLUMNS } from "../telemetry/columns.ts";

/** The columns of points.csv between the parameters and the trailing ones: metrics, server deltas, suites' own, telemetry. */
export function measuredColumns(): string[] {
  return [...metricColumns(), ...SERVER_COLUMNS, ...suiteColumns(), ...TELEMETRY_COLUMNS];
}
