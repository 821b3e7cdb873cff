import type { LaunchSpec } from "../engines/types.ts";
import { secretArgs, secretSafeEnv, shellArg } from "./shell.ts";

/** serve.sh: the winning engine command with its environment; secrets are read from the caller's environment. */
export function serveScript(spec: LaunchSpec, engine: "vllm" | "llamacpp", header: string[]): string {
  const env = secretSafeEnv(spec.env);
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${v.includes("${") ? `"${v}"` : shellArg(v)}`);
  const words = [spec.command, ...secretArgs(spec.args, engine)].map(shellArg);
  // One flag (with its value) per line.
  const command = words.reduce((text, w, i) => text + (i === 0 ? w : w.startsWith("-") ? ` \\\n  ${w}` : ` ${w}`), "");
  return ["#!/usr/bin/env bash", ...header.map((h) => `# ${h}`), "set -euo pipefail", ...exports, `exec ${command}`, ""].join("\n");
}
