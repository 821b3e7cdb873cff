/** A value to export, or a reference to another environment variable (secrets are never copied as values). */
export type EnvValue = { value: string } | { fromEnv: string };
export type ClaudeEnv = Record<string, EnvValue>;

export interface ClaudeEnvInput {
  /** The proxy's base URL (no /v1). */
  url: string;
  /** Served model for every tier; unset leaves Claude Code's own names, which the proxy maps. */
  model?: string;
  /** Model for haiku / small-fast calls; defaults to `model`. */
  smallModel?: string;
  /** Context window in tokens; sizes CLAUDE_CODE_MAX_OUTPUT_TOKENS. */
  context?: number;
  /** CLAUDE_CODE_MAX_OUTPUT_TOKENS as given, instead of the size derived from the context window. */
  maxOutputTokens?: number;
  /** Name of the environment variable holding the proxy's key; none = the proxy is open. */
  apiKeyEnv?: string;
  timeoutMs?: number;
}

/** Claude Code refuses to start without a credential; an open proxy accepts any, so a fixed non-secret one. */
export const OPEN_PROXY_TOKEN = "tunelab-local";
export const DEFAULT_API_TIMEOUT_MS = 600_000;

/**
 * Output budget for a context window: min(32000, context / 4). Claude Code asks 32000 by default on top of
 * a ~28k-token prompt; a quarter of the window leaves three quarters for the prompt and history (32k
 * context -> 8000, 128k and above -> 32000). The proxy still clamps each request to what is left.
 */
export function maxOutputTokens(context: number): number {
  return Math.max(1, Math.min(32_000, Math.floor(context / 4)));
}

/** The environment that points Claude Code at the proxy. Pure: `bench claude` and `bench promote` share it. */
export function claudeEnv(input: ClaudeEnvInput): ClaudeEnv {
  const env: ClaudeEnv = {
    ANTHROPIC_BASE_URL: { value: input.url.replace(/\/+$/, "").replace(/\/v1$/, "") },
    ANTHROPIC_AUTH_TOKEN: input.apiKeyEnv ? { fromEnv: input.apiKeyEnv } : { value: OPEN_PROXY_TOKEN },
  };
  if (input.model) {
    const small = input.smallModel ?? input.model;
    env.ANTHROPIC_MODEL = { value: input.model };
    env.ANTHROPIC_DEFAULT_OPUS_MODEL = { value: input.model };
    env.ANTHROPIC_DEFAULT_SONNET_MODEL = { value: input.model };
    env.ANTHROPIC_DEFAULT_HAIKU_MODEL = { value: small };
    env.ANTHROPIC_SMALL_FAST_MODEL = { value: small };
  }
  const outputTokens = input.maxOutputTokens ?? (input.context ? maxOutputTokens(input.context) : undefined);
  if (outputTokens) env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = { value: String(outputTokens) };
  if (input.context) env.TUNELAB_CONTEXT = { value: String(input.context) };
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = { value: "1" };
  env.API_TIMEOUT_MS = { value: String(input.timeoutMs ?? DEFAULT_API_TIMEOUT_MS) };
  return env;
}

/** `export K=V` lines for a shell; secrets appear as `"$NAME"` references. */
export function renderExports(env: ClaudeEnv): string {
  return Object.entries(env)
    .map(([key, v]) => `export ${key}=${"fromEnv" in v ? `"$${v.fromEnv}"` : shellQuote(v.value)}`)
    .join("\n");
}

/** KEY=VALUE lines (the profile's claude.env); secrets as `$NAME`. */
export function renderEnvFile(env: ClaudeEnv): string {
  return Object.entries(env)
    .map(([key, v]) => `${key}=${"fromEnv" in v ? `$${v.fromEnv}` : v.value}`)
    .join("\n");
}

/** Concrete values for a child process; a referenced variable that is unset is reported by name. */
export function resolveEnv(env: ClaudeEnv, source: NodeJS.ProcessEnv): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, v] of Object.entries(env)) {
    if (!("fromEnv" in v)) values[key] = v.value;
    else if (source[v.fromEnv]) values[key] = source[v.fromEnv] as string;
    else missing.push(v.fromEnv);
  }
  return { values, missing };
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
