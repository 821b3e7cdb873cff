import { badInput } from "../errors.ts";

export interface ModelRule {
  pattern: string;
  target: string;
  test: (name: string) => boolean;
}

/** `--model-map 'claude-*=NAME'` rules: a glob (`*` = any run of characters) on the requested name, first match wins. */
export function parseModelMap(rules: string[]): ModelRule[] {
  return rules.map((rule) => {
    const eq = rule.indexOf("=");
    const pattern = rule.slice(0, eq).trim();
    const target = rule.slice(eq + 1).trim();
    if (eq < 0 || !pattern || !target) {
      throw badInput(`--model-map '${rule}' is not PATTERN=MODEL`, "e.g. --model-map 'claude-*haiku*=small' 'claude-*=big'");
    }
    const regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
    return { pattern, target, test: (name: string) => regex.test(name) };
  });
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Requested name -> served model: the first matching rule; else the name itself when the engine serves it;
 * else the engine's first served model (so claude-* / opus / sonnet / haiku names work with no configuration).
 */
export function resolveModel(requested: string, rules: ModelRule[], served: string[]): string {
  for (const rule of rules) if (rule.test(requested)) return rule.target;
  if (served.includes(requested) || served.length === 0) return requested;
  return served[0];
}
