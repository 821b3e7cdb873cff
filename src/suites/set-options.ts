import { parse } from "yaml";
import { badInput } from "../errors.ts";

/**
 * Suite options from the command line: `--set ttft.prompt_tokens=6000 --set concurrency.levels=[1,4]`. Values
 * are read as YAML scalars or flow collections (numbers, booleans, lists); each suite's schema checks them.
 */
export function parseSetOptions(items: readonly string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const item of items) {
    const m = /^([a-z][a-z0-9_-]*)\.([A-Za-z0-9_.-]+)=(.*)$/s.exec(item.trim());
    if (!m) throw badInput(`--set '${item}': expected SUITE.OPTION=VALUE`, "e.g. --set ttft.prompt_tokens=6000");
    const [, suite, option, text] = m;
    let value: unknown;
    try {
      value = parse(text);
    } catch {
      throw badInput(`--set '${item}': cannot read the value '${text}'`, "numbers, true/false, words, or lists such as [1,4]");
    }
    (out[suite] ??= {})[option] = value ?? text;
  }
  return out;
}
