import { fetchText } from "../client/server-probe.ts";
import { metricsFlavor, parsePrometheus } from "../client/server-metrics.ts";
import type { Capabilities, EngineKind, LaunchSpec } from "../engines/types.ts";

/** What a server shows of itself: engine from /metrics names (or llama.cpp's /props), tokenize, metrics and cache reset. */
export interface ServerView {
  engine: EngineKind | "unknown";
  capabilities: Pick<Capabilities, "tokenize" | "metrics" | "resetPrefixCache">;
}

/** Which tokenize shape answers: llama.cpp takes `content`, vLLM `prompt` (and `model`). */
async function probeTokenize(baseUrl: string, model: string, apiKey?: string): Promise<Capabilities["tokenize"]> {
  const llama = await fetchText(`${baseUrl}/tokenize`, { method: "POST", body: { content: "hello" }, apiKey });
  if (llama?.status === 200 && /"tokens"\s*:/.test(llama.body)) return "llamacpp";
  const vllm = await fetchText(`${baseUrl}/tokenize`, { method: "POST", body: { model, prompt: "hello" }, apiKey });
  if (vllm?.status === 200 && /"tokens"\s*:/.test(vllm.body)) return "vllm";
  return null;
}

/** /reset_prefix_cache is never called here: on vLLM it is assumed (it needs VLLM_SERVER_DEV_MODE=1) and tried by suites. */
export async function probeServer(baseUrl: string, model: string, apiKey?: string): Promise<ServerView> {
  const metricsRes = await fetchText(`${baseUrl}/metrics`, { apiKey });
  const metrics = metricsRes?.status === 200 ? metricsFlavor(parsePrometheus(metricsRes.body)) : null;
  let engine: EngineKind | "unknown" = metrics ?? "unknown";
  if (engine === "unknown") {
    const props = await fetchText(`${baseUrl}/props`, { apiKey });
    if (props?.status === 200 && props.body.includes("default_generation_settings")) engine = "llamacpp";
  }
  const slots = engine === "llamacpp" ? await fetchText(`${baseUrl}/slots`, { apiKey }) : undefined;
  return {
    engine,
    capabilities: {
      tokenize: await probeTokenize(baseUrl, model, apiKey),
      metrics,
      resetPrefixCache: engine === "vllm" ? "vllm" : slots?.status === 200 ? "llamacpp-slots" : null,
    },
  };
}

/** A generic engine's spec with the capabilities its running server shows (the native /v1/messages stays off: unknown). */
export async function withProbedCapabilities(spec: LaunchSpec, apiKey?: string): Promise<LaunchSpec> {
  if (!spec.probeCapabilities) return spec;
  const view = await probeServer(spec.baseUrl, spec.servedName, apiKey);
  return { ...spec, capabilities: { ...spec.capabilities, ...view.capabilities } };
}
