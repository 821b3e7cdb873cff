import type { LaunchSpec } from "../engines/types.ts";
import { badInput } from "../errors.ts";
import { isSidecarKind, sidecarKinds } from "../sidecars/registry.ts";
import type { Api } from "../suites/types.ts";
import type { Fronts } from "./fronts.ts";

export interface OpenedPath {
  /** Where suites send requests, and in which API. */
  baseUrl: string;
  api: Api;
  /** Key of a proxy the lab started, when it wants one. */
  frontKey?: string;
}

/** The path values a grid may name besides proxies and URLs. */
const ENGINE_PATHS = ["direct", "native"];

export function knownPaths(): string[] {
  return [...ENGINE_PATHS, ...sidecarKinds()];
}

/**
 * The way requests reach the engine, as a grid or `bench run` chooses it: `direct` (the engine's OpenAI API),
 * `native` (the engine's own /v1/messages), a proxy the lab starts in front of this engine (`proxy`: the built-in
 * one as `bench proxy`; `litellm`, `ccr`: LiteLLM and claude-code-router), each in its own process, or the URL of a proxy
 * someone else runs, speaking Anthropic. Proxies belong to `fronts`, which stops them with the engine.
 */
export async function openPath(path: string, spec: LaunchSpec, fronts: Fronts): Promise<OpenedPath> {
  if (path === "direct") return { baseUrl: spec.baseUrl, api: "openai" };
  if (path === "native") {
    if (!spec.capabilities.anthropicMessages) throw badInput(`path 'native': engine ${spec.engine} has no /v1/messages endpoint`, "use path: proxy");
    return { baseUrl: spec.baseUrl, api: "anthropic" };
  }
  if (isSidecarKind(path)) {
    const front = await fronts.open(path);
    return { baseUrl: front.url, api: "anthropic", frontKey: front.apiKey };
  }
  if (/^https?:\/\//.test(path)) return { baseUrl: path.replace(/\/+$/, ""), api: "anthropic" };
  throw badInput(`unknown path '${path}'`, `use ${knownPaths().join(", ")} or an http(s):// URL`);
}
