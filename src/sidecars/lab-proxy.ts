import type { Sidecar } from "./types.ts";

/** The lab's own Claude-compatible proxy (`bench proxy`), started in this process: no child, nothing to outlive bench. */
export const labProxySidecar: Sidecar = {
  kind: "proxy",
  title: "tunelab proxy",
  async start(req) {
    const { startProxy } = await import("../proxy/index.ts");
    const proxy = await startProxy({ upstream: req.upstream, port: 0, host: "127.0.0.1", upstreamKey: req.upstreamKey, modelMap: [`claude-*=${req.model}`] });
    return { kind: "proxy", url: proxy.url, stop: () => proxy.close(), logTail: () => "" };
  },
};
