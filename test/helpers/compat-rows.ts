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

export const compatRows: CompatRow[] = [labProxyRow(), llamaNativeRow];
