import { badInput } from "../errors.ts";

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g;

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
