/** Every key path of a JSON value with the type found there (`a.b[].c` -> "string"); arrays by their elements. */
export function shapePaths(value: unknown, prefix = "$", out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const add = (type: string) => out.set(prefix, (out.get(prefix) ?? new Set()).add(type));
  if (Array.isArray(value)) {
    add("array");
    for (const item of value) shapePaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === "object") {
    add("object");
    for (const [k, v] of Object.entries(value)) shapePaths(v, `${prefix}.${k}`, out);
  } else {
    add(value === null ? "null" : typeof value);
  }
  return out;
}

/**
 * Differences between two shapes: paths only one side has, and paths whose non-null types differ
 * (null against a value is not a difference: vLLM fills optional fields with null).
 */
export function shapeDiff(real: Map<string, Set<string>>, sim: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [path, types] of real) {
    const other = sim.get(path);
    if (!other) out.push(`only real: ${path}`);
    else {
      const a = [...types].filter((t) => t !== "null").sort().join("|");
      const b = [...other].filter((t) => t !== "null").sort().join("|");
      if (a && b && a !== b) out.push(`type: ${path} real ${a} sim ${b}`);
    }
  }
  for (const path of sim.keys()) if (!real.has(path)) out.push(`only sim: ${path}`);
  return out.sort();
}
