import { badInput } from "../errors.ts";
import { OPEN_PROXY_TOKEN, type ClaudeEnv, type ClaudeEnvInput } from "./claude-env.ts";

const SECRET_KEYS = new Set(["ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a profile's claude.env (KEY=VALUE lines, `#` comments, optional `export` and quotes). */
export function parseEnvFile(text: string, file: string): ClaudeEnv {
  const env: ClaudeEnv = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim().replace(/^export\s+/, "");
    if (!line || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    const key = line.slice(0, eq).trim();
    if (eq < 1 || !ENV_NAME.test(key)) throw badInput(`${file}:${i + 1}: expected KEY=VALUE`);
    const value = unquote(line.slice(eq + 1).trim());
    const ref = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
    if (ref) env[key] = { fromEnv: ref[1] };
    else if (SECRET_KEYS.has(key) && value !== OPEN_PROXY_TOKEN) {
      throw badInput(`${file}:${i + 1}: ${key} holds a literal secret`, `write it as ${key}=$VARIABLE_NAME`);
    } else env[key] = { value };
  });
  return env;
}

/** Inputs for claudeEnv() that a profile provides. */
export function inputsFromProfile(env: ClaudeEnv): Partial<ClaudeEnvInput> {
  const text = (key: string) => {
    const v = env[key];
    return v && "value" in v && v.value ? v.value : undefined;
  };
  const num = (key: string) => (text(key) && Number.isFinite(Number(text(key))) ? Number(text(key)) : undefined);
  const token = env.ANTHROPIC_AUTH_TOKEN ?? env.ANTHROPIC_API_KEY;
  return {
    url: text("ANTHROPIC_BASE_URL"),
    model: text("ANTHROPIC_MODEL"),
    smallModel: text("ANTHROPIC_SMALL_FAST_MODEL"),
    context: num("TUNELAB_CONTEXT"),
    apiKeyEnv: token && "fromEnv" in token ? token.fromEnv : undefined,
    timeoutMs: num("API_TIMEOUT_MS"),
  };
}

/** Keys each explicit flag decides; a profile's own value for any other key (e.g. a tuned output budget) wins. */
export const keysByFlag: Record<"url" | "model" | "context" | "maxOutputTokens" | "apiKeyEnv", string[]> = {
  url: ["ANTHROPIC_BASE_URL"],
  model: [
    "ANTHROPIC_MODEL",
    "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "ANTHROPIC_SMALL_FAST_MODEL",
  ],
  context: ["CLAUDE_CODE_MAX_OUTPUT_TOKENS", "TUNELAB_CONTEXT"],
  maxOutputTokens: ["CLAUDE_CODE_MAX_OUTPUT_TOKENS"],
  apiKeyEnv: ["ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY"],
};

export function mergeProfile(computed: ClaudeEnv, profile: ClaudeEnv, flagKeys: Set<string>): ClaudeEnv {
  const merged: ClaudeEnv = { ...computed };
  for (const [key, value] of Object.entries(profile)) if (!flagKeys.has(key)) merged[key] = value;
  return merged;
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) return value.slice(1, -1);
  return value;
}
