import { expandEnv } from "../util/env.ts";
import type { LaunchSpec } from "./types.ts";

/**
 * The key clients must send, read from the same rendered launch spec the engine starts with: the value of its
 * key flag (`--api-key`, the first of a comma-separated list), else its key variable as the engine sees it (the
 * spec's env, expanded, over the lab's own environment, which the engine inherits). Undefined: no key needed.
 */
export function engineApiKey(spec: LaunchSpec, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!spec.auth) return undefined;
  const at = spec.args.lastIndexOf(spec.auth.flag);
  if (at !== -1 && at + 1 < spec.args.length) return spec.args[at + 1].split(",")[0].trim() || undefined;
  const { env } = spec.auth;
  const value = env in spec.env ? expandEnv({ [env]: spec.env[env] }, environment)[env] : environment[env];
  return value || undefined;
}
