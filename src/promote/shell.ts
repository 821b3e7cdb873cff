import { isSecretName, REDACTED } from "../util/secrets.ts";

const REF_ONLY = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;

/** Quotes one argument like `bench grid --dry-run` does; `${NAME}` references stay expandable. */
export function shellArg(arg: string): string {
  if (REF_ONLY.test(arg)) return `"${arg}"`;
  return /^[A-Za-z0-9_\-.,/:=@+%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The variable a secret flag's value comes from: `--api-key` -> VLLM_API_KEY (LLAMA_API_KEY), `--hf-token` -> HF_TOKEN. */
export function secretArgs(args: string[], engine: "vllm" | "llamacpp"): string[] {
  const variable = (flag: string) => {
    const bare = flag.replace(/^-+/, "");
    if (bare === "api-key" || bare === "api_key") return engine === "vllm" ? "VLLM_API_KEY" : "LLAMA_API_KEY";
    return bare.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
  };
  return args.map((arg, i) => (i > 0 && /^--?[A-Za-z]/.test(args[i - 1]) && isSecretName(args[i - 1]) && !REF_ONLY.test(arg) ? `\${${variable(args[i - 1])}}` : arg));
}

/**
 * Environment for production files: secret values, and values the run's manifest redacted, become `${NAME}`
 * references the user sets (listed in .env.example); templates are kept as written.
 */
export function secretSafeEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) out[name] = (isSecretName(name) || value.includes(REDACTED)) && !REF_ONLY.test(value) ? `\${${name}}` : value;
  return out;
}

/** Names of every `${NAME}` / `${NAME:-default}` reference in a text. */
export function referencedNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map((m) => m[1]))].sort();
}
