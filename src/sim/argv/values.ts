import type { FlagSpec } from "./flag-table.ts";

/** Converts one raw flag value the way vLLM's argparse `type=` functions do; throws the argparse message. */
export function convertValue(flag: FlagSpec, display: string, raw: string): unknown {
  switch (flag.kind) {
    case "int": {
      if (!/^[+-]?\d+$/.test(raw.trim())) throw new Error(`argument ${display}: invalid int value: '${raw}'`);
      return checkChoice(flag, display, raw, Number.parseInt(raw, 10));
    }
    case "float": {
      const value = Number(raw);
      if (raw.trim() === "" || Number.isNaN(value)) throw new Error(`argument ${display}: invalid float value: '${raw}'`);
      return value;
    }
    case "hint":
      return humanReadableInt(display, raw);
    case "hint_auto":
      return raw === "auto" || raw === "-1" ? -1 : humanReadableInt(display, raw);
    case "json":
      return parseJsonArg(display, raw);
    default:
      return checkChoice(flag, display, raw, raw);
  }
}

function checkChoice<T>(flag: FlagSpec, display: string, raw: string, value: T): T {
  if (flag.choices && !flag.choices.includes(String(value))) {
    const list = flag.choices.map((c) => (flag.kind === "int" ? c : `'${c}'`)).join(", ");
    throw new Error(`argument ${display}: invalid choice: ${flag.kind === "int" ? raw : `'${raw}'`} (choose from ${list})`);
  }
  return value;
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** vLLM's human_readable_int: `8192`, `32k` (x1000), `32K` (x1024), `1.5m`; decimals only with lowercase suffixes. */
function humanReadableInt(display: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmMgGtT])$/.exec(raw.trim());
  if (match) {
    const [, num, suffix] = match;
    if (num.includes(".") && suffix === suffix.toUpperCase()) {
      throw new Error(`argument ${display}: Decimals are not allowed with binary suffixes like ${suffix}. Did you mean to use ${num}${suffix.toLowerCase()} instead?`);
    }
    return Math.floor(Number(num) * SUFFIX[suffix]);
  }
  if (/^[+-]?\d+$/.test(raw.trim())) return Number.parseInt(raw, 10);
  throw new Error(`argument ${display}: Invalid number format: ${raw}`);
}

/** JSON config flags accept a JSON object, or a bare number (shorthand for `{"mode": n}` in -cc). */
export function parseJsonArg(display: string, raw: string): unknown {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "number" ? { mode: value } : value;
  } catch {
    throw new Error(`argument ${display}: Value ${raw} cannot be converted to <function loads>.`);
  }
}

/** Value of a dotted key (`-cc.mode=3`): JSON when it parses, else the string itself. */
export function dottedValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function setDotted(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = next && typeof next === "object" && !Array.isArray(next) ? (next as Record<string, unknown>) : (node[key] = {});
  }
  node[path[path.length - 1]] = value;
}

export function deepMerge(base: unknown, extra: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(extra)) return extra;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) out[key] = deepMerge(out[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
