import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { ensureLitellm } from "../setup/litellm.ts";
import { startSidecarProcess } from "./process.ts";
import type { Sidecar, SidecarRequest } from "./types.ts";

/** Carries the engine's key into LiteLLM's environment, referenced from the config (`os.environ/...`), so no file holds it. */
export const UPSTREAM_KEY_VAR = "TUNELAB_UPSTREAM_KEY";

/**
 * LiteLLM's proxy as seeds 000 and 004 run it: a `model_list` routing the engine's name and every `claude-*`
 * name Claude Code asks for to the engine as an OpenAI-compatible provider, and `drop_params` so parameters the
 * engine does not take are dropped instead of failing the request. `use_chat_completions_url_for_anthropic_messages`:
 * without it LiteLLM 1.108 sends `/v1/messages` for `openai/` models to the engine's Responses API
 * (`/v1/responses`, with max_output_tokens raised to at least 16), not to the chat completions every other path uses.
 */
export function litellmConfig(req: Pick<SidecarRequest, "upstream" | "model" | "upstreamKey">): string {
  const params = { model: `openai/${req.model}`, api_base: `${req.upstream}/v1`, api_key: req.upstreamKey ? `os.environ/${UPSTREAM_KEY_VAR}` : "none" };
  return stringify({
    model_list: [req.model, "claude-*"].map((name) => ({ model_name: name, litellm_params: params })),
    litellm_settings: { drop_params: true, use_chat_completions_url_for_anthropic_messages: true },
  });
}

export const litellmSidecar: Sidecar = {
  kind: "litellm",
  title: "LiteLLM",
  async start(req) {
    const { executable } = await ensureLitellm();
    mkdirSync(req.dir, { recursive: true });
    const config = join(req.dir, "litellm.yaml");
    writeFileSync(config, litellmConfig(req));
    // LiteLLM refuses to start without a master key (1.108): one made up for this start, given by environment only
    const masterKey = `sk-tunelab-${randomBytes(16).toString("hex")}`;
    return startSidecarProcess("litellm", req, {
      command: executable,
      args: (host, port) => ["--config", config, "--host", host, "--port", String(port)],
      apiKey: masterKey,
      env: {
        LITELLM_MASTER_KEY: masterKey,
        LITELLM_LOCAL_MODEL_COST_MAP: "True", // the bundled price list: no fetch from GitHub at startup
        ...(req.upstreamKey ? { [UPSTREAM_KEY_VAR]: req.upstreamKey } : {}),
      },
      readinessPath: "/health/liveliness",
    });
  },
};
