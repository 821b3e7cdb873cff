import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { failure } from "../errors.ts";
import { UPSTREAM_KEY_VAR } from "./litellm.ts";
import { startSidecarProcess } from "./process.ts";
import type { Sidecar, SidecarRequest } from "./types.ts";

/** The pinned claude-code-router (an npm dependency of the lab): its CLI script, run with this Node. */
export function ccrCli(): { script: string; version: string } {
  const require = createRequire(import.meta.url);
  try {
    const manifest = require.resolve("@musistudio/claude-code-router/package.json");
    const { version, bin } = require(manifest) as { version: string; bin: { ccr: string } };
    return { script: join(dirname(manifest), bin.ccr), version };
  } catch {
    throw failure("claude-code-router is not installed", "run `npm ci` in the lab's folder (it is a pinned dependency)");
  }
}

/**
 * claude-code-router's config (`~/.claude-code-router/config.json`): one OpenAI-compatible provider, the engine,
 * and every request routed to it (`Router.default`), whatever model Claude Code names. No APIKEY: it then listens
 * on loopback only. `$NAME` values are read from its environment, where the engine's key is put (never in the file).
 */
export function ccrConfig(req: Pick<SidecarRequest, "upstream" | "model" | "upstreamKey">, host: string, port: number): string {
  return JSON.stringify({
    LOG: false,
    HOST: host,
    PORT: port,
    NON_INTERACTIVE_MODE: true,
    Providers: [{ name: "lab", api_base_url: `${req.upstream}/v1/chat/completions`, api_key: req.upstreamKey ? `$${UPSTREAM_KEY_VAR}` : "none", models: [req.model] }],
    Router: { default: `lab,${req.model}` },
  }, null, 2) + "\n";
}

export const ccrSidecar: Sidecar = {
  kind: "ccr",
  title: "claude-code-router",
  async start(req) {
    const { script } = ccrCli();
    // its own HOME: the config, PID file and logs of this instance only (two runs never share them)
    const home = join(req.dir, "home");
    mkdirSync(join(home, ".claude-code-router"), { recursive: true });
    return startSidecarProcess("ccr", req, {
      command: process.execPath,
      args: (host, port) => {
        writeFileSync(join(home, ".claude-code-router", "config.json"), ccrConfig(req, host, port));
        return [script, "start"];
      },
      env: { HOME: home, ...(req.upstreamKey ? { [UPSTREAM_KEY_VAR]: req.upstreamKey } : {}) },
      readinessPath: "/health",
    });
  },
};
