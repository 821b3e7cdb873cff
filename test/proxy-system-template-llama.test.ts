import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../src/proxy/index.ts";
import { packagePath } from "../src/util/paths.ts";
import { startTinyServer, type TinyServer } from "./helpers/tiny-server.ts";

// The real llama-server with a chat template that raises on a system message after the first (as Mistral- and
// Gemma-style templates do): Qwen2.5's template plus that check, in test/fixtures/templates.
let engine: TinyServer;
const proxies: RunningProxy[] = [];
beforeAll(async () => {
  engine = await startTinyServer(["--chat-template-file", packagePath("test/fixtures/templates/qwen2.5-system-first.jinja"), "-np", "1"]);
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await engine?.stop();
});

async function proxyClient(systemMessages: "auto" | "inplace", notices: string[] = []): Promise<Anthropic> {
  const proxy = await startProxy({ upstream: engine.baseUrl, port: 0, systemMessages, notice: (line) => notices.push(line) });
  proxies.push(proxy);
  return new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
}

// Claude Code's shape: a system message right after the first user turn, then the conversation goes on.
const system = "You are terse.";
const turn1: Anthropic.MessageParam[] = [
  { role: "user", content: "Say hello. ".repeat(40) },
  { role: "system", content: "Agents available: Explore, Plan, general-purpose." } as unknown as Anthropic.MessageParam,
];

describe("a chat template that rejects mid-conversation system messages (real llama-server)", () => {
  it("the engine refuses them sent in place, and the proxy passes its 400 on", async () => {
    const client = await proxyClient("inplace");
    await expect(client.messages.create({ model: "tiny", max_tokens: 4, system, messages: turn1 })).rejects.toMatchObject({
      status: 400,
      error: { error: { type: "invalid_request_error", message: expect.stringContaining("System message must be at the beginning") } },
    });
  });

  it("auto probes the template, folds them into the user turn, and the engine reuses the prefix next turn", async () => {
    const notices: string[] = [];
    const client = await proxyClient("auto", notices);
    const first = await client.messages.create({ model: "tiny", max_tokens: 4, system, messages: turn1 });
    expect(first.stop_reason).toBe("max_tokens");
    expect(notices).toContainEqual(expect.stringContaining("folded into user turns"));
    const reply = first.content.filter((b) => b.type === "text").map((b) => b.text).join("");
    const turn2: Anthropic.MessageParam[] = [...turn1, { role: "assistant", content: reply || "hi" }, { role: "user", content: "Again." }];
    const second = await client.messages.create({ model: "tiny", max_tokens: 4, system, messages: turn2 });
    expect(second.stop_reason).toBe("max_tokens");
    // The whole first turn (system, folded user turn) was served from llama-server's cache.
    expect(second.usage.cache_read_input_tokens).toBeGreaterThanOrEqual(first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0) - 1);
  });
});
