/**
 * Secrets never reach an output: the manifest, the CSVs, the logs copied into a run, reports and promoted files.
 * Three nets, applied by every writer: values the lab knows are secret (registered as it reads the grid, renders
 * launch specs and reads API keys), values that look like keys (`sk-`, `hf_`, `ghp_`, JWTs, URL passwords,
 * Bearer tokens), and, in structured data, everything under a name that suggests a secret.
 */
export const REDACTED = "<redacted>";

/** Words that make a name secret: `api-key`, `HF_TOKEN`, `apiKey`, `db_password` (but not `max-num-batched-tokens`). */
const SECRET_WORD = /(?:key|token|secret|password|passwd|credentials?|auth)$/i;

export function isSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.some((w) => SECRET_WORD.test(w));
}

/** Shapes of common keys and tokens; a match is redacted wherever it appears. */
const SHAPES: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI, Anthropic (sk-ant-...), LiteLLM master keys
  /\bhf_[A-Za-z0-9]{8,}/g, // Hugging Face
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{16,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g, // JWT
];
/** `scheme://user:PASSWORD@host` and `Bearer TOKEN`: the secret part only. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s/@]+@/gi;
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]{6,}/g;

const known = new Set<string>();

/** Remembers a secret value so every later redaction removes it (too-short values would redact ordinary text). */
export function registerSecret(value: unknown): void {
  if (typeof value !== "string" && typeof value !== "number") return;
  const text = String(value);
  if (text.length >= 4 && text !== REDACTED && !/^\$\{[^}]*\}$/.test(text)) known.add(text);
}

/** Whether a value has the shape of a key or token. */
export function looksSecret(value: string): boolean {
  return SHAPES.some((re) => new RegExp(re.source).test(value));
}

/** The text with every registered secret and everything shaped like one replaced by `<redacted>`. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const re of SHAPES) out = out.replace(re, REDACTED);
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(BEARER, `$1${REDACTED}`);
}

/** Any JSON-like value with secret-named scalars replaced and every string passed through redactText. */
export function redactTree(value: unknown, name = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => redactTree(v, name));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactTree(v, k)]));
  }
  if (name && isSecretName(name) && (typeof value === "string" || typeof value === "number")) return isTemplate(String(value)) ? value : REDACTED;
  return typeof value === "string" ? redactText(value) : value;
}

/** `${NAME}` or `${NAME:-default}`: a reference to the caller's environment, not a value. */
function isTemplate(value: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(value);
}

/**
 * An engine environment as outputs show it: every literal value redacted (any variable may hold a secret);
 * `${NAME}` references kept, with a default only when it is neither under a secret name nor shaped like a key.
 */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const keep = isTemplate(value) && (!value.includes(":-") || (!isSecretName(name) && redactText(value) === value));
    out[name] = keep ? value : REDACTED;
  }
  return out;
}

/** An engine command line with the value after every secret-named flag (`--api-key`, `--hf-token`) redacted. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => (i > 0 && /^--?[A-Za-z]/.test(args[i - 1]) && isSecretName(args[i - 1]) && !isTemplate(arg) ? REDACTED : redactText(arg)));
}

/** A grid as the manifest stores it: env redacted as redactEnv does, everything else as redactTree does. */
export function redactGrid<T extends { env?: Record<string, string> }>(grid: T): T {
  const tree = redactTree({ ...grid, env: {} }) as T;
  return { ...tree, env: redactEnv(grid.env ?? {}) };
}

/** Registers the secrets a value holds: scalars under secret names, and URL passwords. */
export function registerTree(value: unknown, name = ""): void {
  if (Array.isArray(value)) return value.forEach((v) => registerTree(v, name));
  if (value !== null && typeof value === "object") return Object.entries(value).forEach(([k, v]) => registerTree(v, k));
  if (name && isSecretName(name)) registerSecret(value);
  if (typeof value === "string") for (const m of value.matchAll(new RegExp(URL_PASSWORD.source, "gi"))) registerSecret(m[0].slice(m[1].length, -1));
}

/** Registers the secrets of a rendered engine command: values after secret-named flags, secret-named env values. */
export function registerLaunchSecrets(args: readonly string[], env: Record<string, string>): void {
  args.forEach((arg, i) => i > 0 && /^--?[A-Za-z]/.test(args[i - 1]) && isSecretName(args[i - 1]) && registerSecret(arg));
  for (const [name, value] of Object.entries(env)) if (isSecretName(name)) registerSecret(value);
}
