import { request } from "undici";
import { authHeaders, benchAgent, timeouts } from "./http.ts";
import type { Capabilities } from "../engines/types.ts";

/**
 * Drops the engine's prefix cache where it allows it: vLLM `POST /reset_prefix_cache` (needs
 * VLLM_SERVER_DEV_MODE=1), llama.cpp `POST /slots/<id>?action=erase` for every slot of `GET /slots`.
 * Returns whether the cache was reset; never throws (a scenario then simply runs on a warm cache).
 */
export async function resetPrefixCache(
  target: { baseUrl: string; directUrl?: string; apiKey?: string; capabilities: Pick<Capabilities, "resetPrefixCache">; requestTimeoutMs?: number },
): Promise<boolean> {
  const headers = authHeaders(target.apiKey);
  const engineUrl = target.directUrl ?? target.baseUrl;
  const post = async (path: string) => {
    const res = await request(`${engineUrl}${path}`, { method: "POST", dispatcher: benchAgent, headers, ...timeouts(target.requestTimeoutMs) });
    await res.body.dump();
    return res.statusCode === 200;
  };
  try {
    if (target.capabilities.resetPrefixCache === "vllm") return await post("/reset_prefix_cache");
    if (target.capabilities.resetPrefixCache === "llamacpp-slots") {
      const res = await request(`${engineUrl}/slots`, { method: "GET", dispatcher: benchAgent, headers, ...timeouts(target.requestTimeoutMs) });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return false;
      }
      const slots = (await res.body.json()) as Array<{ id: number }>;
      const results = await Promise.all(slots.map((s) => post(`/slots/${s.id}?action=erase`)));
      return results.every(Boolean);
    }
  } catch {
    return false;
  }
  return false;
}
