import type { SystemMessageMode } from "./system-messages.ts";
import type { Upstream } from "./upstream.ts";

const probe = (messages: object[], model: string) => ({ model, messages, max_tokens: 1, stream: false });

/**
 * Asks the engine once whether its chat template takes a system message after the first one (Qwen and GLM
 * templates do; Mistral- and Gemma-style templates raise, which engines answer with 400): a one-token request
 * shaped like Claude Code's (system, user, system). A 400 counts only when the same request without the late
 * system message succeeds. Undefined when the engine could not tell (not ready, unreachable): ask again later.
 */
export async function probeSystemMessages(upstream: Upstream, model: string): Promise<SystemMessageMode | undefined> {
  const base = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
  ];
  const late = await status(upstream, probe([...base, { role: "system", content: "Answer in one word." }], model));
  if (late === 200) return "inplace";
  if (late !== 400) return undefined;
  return (await status(upstream, probe(base, model))) === 200 ? "fold" : undefined;
}

async function status(upstream: Upstream, body: object): Promise<number | undefined> {
  try {
    const res = await upstream.post("/v1/chat/completions", JSON.stringify(body));
    await res.body.dump();
    return res.statusCode;
  } catch {
    return undefined;
  }
}
