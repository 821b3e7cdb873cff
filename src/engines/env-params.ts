import { badInput } from "../errors.ts";
import type { ParamValue } from "../grid/schema.ts";

/** Matrix keys `env.NAME` set the engine's environment variable NAME instead of a flag (a new value restarts it). */
export const ENV_PREFIX = "env.";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvParam(name: string): boolean {
  return name.startsWith(ENV_PREFIX);
}

/** Splits a point's server parameters into flags and environment variables. */
export function splitEnvParams<T extends ParamValue | Record<string, unknown>>(params: Record<string, T>): { flags: Record<string, T>; env: Record<string, string> } {
  const flags: Record<string, T> = {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (isEnvParam(name)) env[name.slice(ENV_PREFIX.length)] = String(value);
    else flags[name] = value;
  }
  return { flags, env };
}

/** `env.NAME` must name a variable and take scalar values. */
export function checkEnvParam(name: string, where: string): void {
  if (!ENV_NAME.test(name.slice(ENV_PREFIX.length))) throw badInput(`${where}: '${name}' does not name an environment variable`, "use env.NAME with letters, digits and _");
}
