import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchText, modelOf } from "../../src/client/server-probe.ts";
import { sidecarFor } from "../../src/sidecars/registry.ts";
import { startBenchProxy } from "./bench-proxy-cli.ts";

/** What a front is put in front of: the tiny llama-server itself, or another OpenAI-compatible server (a scripted one). */
export interface Upstream {
  url: string;
  kind: "llama-server" | "openai";
}

/** A running Anthropic-compatible endpoint for Claude Code. */
export interface Front {
  baseUrl: string;
  /** Its own log, for failure reports. */
  log(): string;
  stop(): Promise<void>;
  /** The key Claude Code must send, when the front wants one (given to `bench claude --api-key-env`). */
  apiKey?: string;
}

/**
 * One row of the compatibility table: an Anthropic-compatible base URL and how to start it in front of an
 * upstream. `start` answers undefined when the row cannot stand in front of that upstream (n/a).
 * Adding a row (LiteLLM, claude-code-router, ...) is one object here plus one line in `compatRows`.
 */
export interface CompatRow {
  name: string;
  start(upstream: Upstream): Promise<Front | undefined>;
}

/** The lab's proxy, started as a user would: `bench proxy --upstream URL` (extra flags, e.g. `--system-messages fold`). */
export function labProxyRow(args: string[] = []): CompatRow {
  return {
    name: "tunelab `bench proxy`",
    async start(upstream) {
      const proxy = await startBenchProxy(upstream.url, args);
      return {
        baseUrl: proxy.url,
        log: proxy.log,
        async stop() {
          await proxy.stop();
        },
      };
    },
  };
}

/** llama-server's own `/v1/messages`: it is the engine, so it has no OpenAI upstream a script could drive. */
export const llamaNativeRow: CompatRow = {
  name: "llama.cpp native `/v1/messages`",
  async start(upstream) {
    if (upstream.kind !== "llama-server") return undefined;
    return { baseUrl: upstream.url, log: () => "", stop: async () => {} };
  },
};

/**
 * A proxy the lab starts as a sidecar (src/sidecars: LiteLLM with seed 000's config, claude-code-router), in front
 * of the upstream's served model, exactly as `path: litellm | ccr` runs it in a grid.
 */
export function sidecarRow(kind: "litellm" | "ccr"): CompatRow {
  const sidecar = sidecarFor(kind);
  return {
    name: sidecar.title,
    async start(upstream) {
      const models = await fetchText(`${upstream.url}/v1/models`);
      const model = models && modelOf(models);
      if (!model) throw new Error(`${upstream.url}/v1/models named no model`);
      const dir = mkdtempSync(join(tmpdir(), `tunelab-compat-${kind}-`));
      const logFile = join(dir, `${kind}.log`);
      const running = await sidecar.start({ upstream: upstream.url, model, dir, logFile, startupTimeoutMs: 300_000 });
      let kept: string | undefined; // the log, read once it is stopped and its folder removed
      return {
        baseUrl: running.url,
        apiKey: running.apiKey,
        log: () => kept ?? readFileSync(logFile, "utf8"),
        async stop() {
          await running.stop();
          kept = readFileSync(logFile, "utf8");
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

export const compatRows: CompatRow[] = [labProxyRow(), llamaNativeRow, sidecarRow("ccr"), sidecarRow("litellm")];
