import { FLAGS } from "./flag-table.ts";
import { USAGE } from "./argparse-exit.ts";
import { MATCHED_VLLM_VERSION } from "./real-flags.ts";

/** `--help`: the usage line and one line per flag (simulator switches marked). */
export function helpText(): string {
  const lines = [USAGE, "", `Start the vLLM simulator's OpenAI-compatible server (same flags as \`vllm serve\` of vLLM ${MATCHED_VLLM_VERSION}).`, "", "options:"];
  lines.push("  -h, --help            show this help message and exit");
  for (const flag of FLAGS) {
    const names = [`--${flag.name}`, ...(flag.aliases ?? [])];
    if (flag.kind === "bool") names.push(`--no-${flag.name}`);
    const value = flag.kind === "bool" || flag.kind === "store_true" ? "" : ` ${flag.name.toUpperCase().replace(/-/g, "_")}`;
    const notes = [flag.sim ? "[simulator]" : "", flag.help ?? "", flag.default !== undefined ? `(default: ${JSON.stringify(flag.default)})` : ""];
    lines.push(`  ${names.join(", ")}${value}  ${notes.filter(Boolean).join(" ")}`.trimEnd());
  }
  return lines.join("\n") + "\n";
}
