import { badInput } from "../errors.ts";

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g;
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/** Expands `${NAME}` (required) and `${NAME:-default}` references from the caller's environment at launch time (never stored expanded). */
export function expandEnv(env: Record<string, string>, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    out[name] = value.replace(REF, (_, ref: string, hasDefault: string | undefined, fallback: string | undefined) => {
      const v = source[ref] ?? (hasDefault ? fallback : undefined);
      if (v === undefined) throw badInput(`env '${name}' references \${${ref}}, which is not set`, `export ${ref}=... before running`);
      return v;
    });
  }
  return out;
}

/** For display and manifests: secret-looking values are replaced unless they are `${REF}` templates. */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    out[name] = SECRET_NAME.test(name) && !/^\$\{[^}]+\}$/.test(value) ? "<redacted>" : value;
  }
  return out;
}

/** Redacts the value after secret-bearing flags such as `--api-key`. */
export function redactArgs(args: string[]): string[] {
  return args.map((arg, i) => (i > 0 && /^--?(api[-_]key|hf[-_]token|token)$/i.test(args[i - 1]) ? "<redacted>" : arg));
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
