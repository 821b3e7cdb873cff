import { claudeEnv } from "../proxy/claude-env.ts";
import { referencedNames } from "./shell.ts";

export const PROXY_URL = "http://127.0.0.1:4000";

/** .env.example: every variable the compose file and serve.sh reference, names only. */
export function envExample(texts: string[]): string {
  const names = referencedNames(texts.join("\n"));
  return ["# Variables the production files read (values are yours to set; never commit them).", ...names.map((n) => `${n}=`), ""].join("\n");
}

/** claude.env: Claude Code pointed at the lab's proxy in front of the promoted engine (KEY=VALUE; secrets as ${NAME}). */
export function claudeEnvFile(model: string, context: number | undefined): string {
  const env = claudeEnv({ url: PROXY_URL, model, context });
  const lines = Object.entries(env).map(([k, v]) => `${k}=${"fromEnv" in v ? `\${${v.fromEnv}}` : v.value}`);
  return ["# Claude Code through the tunelab proxy (`bench proxy`), e.g. `set -a; . ./claude.env; set +a; claude`", ...lines, ""].join("\n");
}
