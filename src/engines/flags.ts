import type { ArgValue } from "../grid/schema.ts";

export interface FlagStyle {
  /** Flags that have no `--no-x` form: false simply omits them. */
  positiveOnly?: ReadonlySet<string>;
}

/** `gpu_memory_utilization` and `gpu-memory-utilization` are one flag; names render with dashes. */
export function flagName(name: string): string {
  return name.startsWith("-") ? name : `--${name.replace(/_/g, "-")}`;
}

/** Renders one parameter: booleans as `--x` / `--no-x`, objects as JSON, scalars as `--x value`. */
export function renderFlag(name: string, value: ArgValue, style: FlagStyle = {}): string[] {
  const flag = flagName(name);
  if (value === true) return [flag];
  if (value === false) {
    const bare = flag.replace(/^--/, "");
    return style.positiveOnly?.has(bare) ? [] : [`--no-${bare}`];
  }
  if (typeof value === "object") return [flag, JSON.stringify(value)];
  return [flag, String(value)];
}

export function renderFlags(params: Record<string, ArgValue>, style: FlagStyle = {}): string[] {
  return Object.entries(params).flatMap(([name, value]) => renderFlag(name, value, style));
}
