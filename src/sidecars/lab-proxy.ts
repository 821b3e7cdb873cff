import { packagePath } from "../util/paths.ts";
import { UPSTREAM_KEY_VAR } from "./litellm.ts";
import { startSidecarProcess } from "./process.ts";
import type { Sidecar } from "./types.ts";

/**
 * The lab's own Claude-compatible proxy, run as users run it: `bench proxy` in its own process, so that, like
 * LiteLLM and claude-code-router, it never shares the load generator's event loop (at 32 streams it would).
 */
export const labProxySidecar: Sidecar = {
  kind: "proxy",
  title: "tunelab proxy",
  start(req) {
    return startSidecarProcess("proxy", req, {
      command: process.execPath,
      args: (host, port) => [
        packagePath("bin", "bench.mjs"), "proxy", "--upstream", req.upstream, "--host", host, "--port", String(port),
        "--model-map", `claude-*=${req.model}`, ...(req.upstreamKey ? ["--upstream-key-env", UPSTREAM_KEY_VAR] : []),
      ],
      env: req.upstreamKey ? { [UPSTREAM_KEY_VAR]: req.upstreamKey } : {},
      readinessPath: "/health",
    });
  },
};
