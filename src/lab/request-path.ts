import type { LaunchSpec } from "../engines/types.ts";
import { badInput } from "../errors.ts";
import type { Api } from "../suites/types.ts";

export interface OpenedPath {
  /** Where suites send requests, and in which API. */
  baseUrl: string;
  api: Api;
  close(): Promise<void>;
}

/**
 * The way requests reach the engine, as a grid or `bench run` chooses it: `direct` (the engine's OpenAI API),
 * `native` (the engine's own /v1/messages), `proxy` (the built-in Claude-compatible proxy, started in-process on
 * a free port for this engine), or an external proxy's URL (LiteLLM, claude-code-router) speaking Anthropic.
 */
export async function openPath(path: string, spec: LaunchSpec, upstreamKey?: string): Promise<OpenedPath> {
  const none = async () => {};
  if (path === "direct") return { baseUrl: spec.baseUrl, api: "openai", close: none };
  if (path === "native") {
    if (!spec.capabilities.anthropicMessages) throw badInput(`path 'native': engine ${spec.engine} has no /v1/messages endpoint`, "use path: proxy");
    return { baseUrl: spec.baseUrl, api: "anthropic", close: none };
  }
  if (path === "proxy") {
    const { startProxy } = await import("../proxy/index.ts");
    const proxy = await startProxy({ upstream: spec.baseUrl, port: 0, host: "127.0.0.1", upstreamKey, modelMap: [`claude-*=${spec.servedName}`] });
    return { baseUrl: proxy.url, api: "anthropic", close: () => proxy.close() };
  }
  if (/^https?:\/\//.test(path)) return { baseUrl: path.replace(/\/+$/, ""), api: "anthropic", close: none };
  throw badInput(`unknown path '${path}'`, "use direct, proxy, native or an http(s):// URL");
}
