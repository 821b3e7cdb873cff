import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { FLAGS, destOf, type FlagSpec } from "./flag-table.ts";
import { ArgparseExit, usageError } from "./argparse-exit.ts";
import { convertValue, deepMerge, dottedValue, setDotted } from "./values.ts";
import { helpText } from "./help.ts";

export interface ParsedArgv {
  /** The model positional (`model_tag`), or `--model`. */
  readonly modelTag: string | undefined;
  /** Every flag by snake_case dest, defaults filled in. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Dests the user set explicitly (vLLM logs them as "non-default args"). */
  readonly explicit: ReadonlySet<string>;
}

interface OptionRef {
  readonly flag: FlagSpec;
  readonly negated: boolean;
}

const OPTIONS = new Map<string, OptionRef>();
for (const flag of FLAGS) {
  OPTIONS.set(`--${flag.name}`, { flag, negated: false });
  for (const alias of flag.aliases ?? []) OPTIONS.set(alias, { flag, negated: false });
  if (flag.kind === "bool") OPTIONS.set(`--no-${flag.name}`, { flag, negated: true });
}

function display(flag: FlagSpec): string {
  const names = [`--${flag.name}`, ...(flag.aliases ?? [])];
  if (flag.kind === "bool") names.push(`--no-${flag.name}`);
  return names.join("/");
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;
const looksLikeOption = (arg: string): boolean => arg.startsWith("-") && arg !== "-" && !NEGATIVE_NUMBER.test(arg);

/**
 * Parses `vllm serve` argv with argparse's rules plus vLLM's FlexibleArgumentParser extras: `_`/`-` interchangeable,
 * `--flag=value`, `-O3`, dotted JSON keys (`-cc.mode=3`), `--config file.yaml`. Throws ArgparseExit (exit 2 with
 * `usage:` and `vllm serve: error: ...`, or exit 0 after `--help`).
 */
export function parseVllmArgv(argv: readonly string[]): ParsedArgv {
  const args = normalize(expandConfigFile(argv));
  const values: Record<string, unknown> = {};
  for (const flag of FLAGS) values[destOf(flag)] = flag.default ?? null;
  const explicit = new Set<string>();
  const dotted: Array<{ dest: string; path: string[]; value: unknown }> = [];
  const positionals: string[] = [];
  const unrecognized: string[] = [];

  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === "--") {
        positionals.push(...args.slice(i + 1));
        break;
      }
      if (arg === "-h" || arg === "--help") throw new ArgparseExit(0, helpText());
      if (!looksLikeOption(arg)) {
        positionals.push(arg);
        continue;
      }
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      const dot = dottedTarget(name);
      if (dot) {
        const raw = inline ?? args[++i];
        if (raw === undefined) throw usageError(`argument ${display(dot.flag)}: expected one argument`);
        dotted.push({ dest: destOf(dot.flag), path: dot.path, value: dottedValue(raw) });
        explicit.add(destOf(dot.flag));
        continue;
      }
      const ref = OPTIONS.get(name);
      if (!ref) {
        unrecognized.push(arg);
        continue;
      }
      const { flag } = ref;
      const dest = destOf(flag);
      explicit.add(dest);
      if (flag.kind === "bool" || flag.kind === "store_true") {
        if (inline !== undefined) throw usageError(`argument ${display(flag)}: ignored explicit argument '${inline}'`);
        values[dest] = !ref.negated;
      } else if (flag.kind === "list") {
        const items = inline !== undefined ? [inline] : [];
        while (inline === undefined && i + 1 < args.length && !looksLikeOption(args[i + 1])) items.push(args[++i]);
        if (items.length === 0) throw usageError(`argument ${display(flag)}: expected at least one argument`);
        values[dest] = items;
      } else {
        let raw = inline;
        if (raw === undefined) {
          const next = args[i + 1];
          if (next === undefined || looksLikeOption(next)) throw usageError(`argument ${display(flag)}: expected one argument`);
          raw = next;
          i++;
        }
        values[dest] = convertValue(flag, display(flag), raw);
      }
    }
  } catch (err) {
    if (err instanceof ArgparseExit) throw err;
    throw usageError((err as Error).message);
  }

  for (const { dest, path, value } of dotted) {
    const patch: Record<string, unknown> = {};
    setDotted(patch, path, value);
    values[dest] = deepMerge(values[dest] ?? {}, patch);
  }
  const [modelTag, ...extraPositionals] = positionals;
  unrecognized.push(...extraPositionals);
  if (unrecognized.length > 0) throw usageError(`unrecognized arguments: ${unrecognized.join(" ")}`);
  return { modelTag: modelTag ?? (values.model as string | null) ?? undefined, values, explicit };
}

/** `--compilation-config.mode` / `-cc.cudagraph_mode`: a dotted key into a JSON flag. */
function dottedTarget(name: string): { flag: FlagSpec; path: string[] } | undefined {
  const dot = name.indexOf(".");
  if (dot < 0) return undefined;
  const ref = OPTIONS.get(name.slice(0, dot));
  if (!ref || ref.flag.kind !== "json") return undefined;
  return { flag: ref.flag, path: name.slice(dot + 1).split(".") };
}

/** FlexibleArgumentParser: `--max_model_len` == `--max-model-len`; `-O3` / `-O=3` == `--optimization-level 3`. */
function normalize(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const key = eq >= 0 ? arg.slice(0, eq) : arg;
      const dot = key.indexOf(".");
      const head = dot >= 0 ? key.slice(0, dot) : key;
      const tail = dot >= 0 ? key.slice(dot) : "";
      out.push(head.replace(/_/g, "-") + tail + (eq >= 0 ? arg.slice(eq) : ""));
    } else if (/^-O=?\d+$/.test(arg)) {
      out.push("--optimization-level", arg.replace(/^-O=?/, ""));
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** `--config file.yaml`: its keys become flags placed first, so flags on the command line override them. */
function expandConfigFile(argv: readonly string[]): string[] {
  const at = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  if (at < 0) return [...argv];
  const inline = argv[at].startsWith("--config=");
  const file = inline ? argv[at].slice("--config=".length) : argv[at + 1];
  if (!file) throw usageError("argument --config: expected one argument");
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw usageError(`argument --config: cannot read ${file}: ${(err as Error).message}`);
  }
  let model: string | undefined;
  const fromFile: string[] = [];
  for (const [key, value] of Object.entries((doc ?? {}) as Record<string, unknown>)) {
    if (key === "model" || key === "model_tag") model = String(value);
    else if (value === true) fromFile.push(`--${key}`);
    else if (value === false) fromFile.push(`--no-${key}`);
    else if (Array.isArray(value)) fromFile.push(`--${key}`, ...value.map(String));
    else if (value && typeof value === "object") fromFile.push(`--${key}`, JSON.stringify(value));
    else fromFile.push(`--${key}`, String(value));
  }
  const rest = [...argv.slice(0, at), ...argv.slice(at + (inline ? 1 : 2))];
  if (rest.length > 0 && !looksLikeOption(rest[0])) return [rest[0], ...fromFile, ...rest.slice(1)];
  return [...(model ? [model] : []), ...fromFile, ...rest];
}
