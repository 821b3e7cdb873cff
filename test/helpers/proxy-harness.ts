import Anthropic from "@anthropic-ai/sdk";
import { startProxy, type ProxyOptions, type RunningProxy } from "../../src/proxy/index.ts";
import type { StreamEvent } from "./proxy-stream-check.ts";
import { startScriptedUpstream, type RecordedRequest, type ScriptedUpstream, type UpstreamConfig } from "./scripted-upstream.ts";

export interface Harness {
  upstream: ScriptedUpstream;
  proxy: RunningProxy;
  url: string;
  client: Anthropic;
  /** The chat-completions requests the engine received. */
  chats(): RecordedRequest[];
  close(): Promise<void>;
}

/** A scripted engine with the proxy in front of it and an official SDK client pointed at the proxy. */
export async function startHarness(upstreamConfig: UpstreamConfig = {}, proxyOptions: Partial<ProxyOptions> = {}): Promise<Harness> {
  const upstream = await startScriptedUpstream(upstreamConfig);
  const proxy = await startProxy({ upstream: `${upstream.url}/v1`, port: 0, ...proxyOptions });
  const client = new Anthropic({ baseURL: proxy.url, apiKey: proxyOptions.apiKey ?? "any-key", maxRetries: 0 });
  return {
    upstream,
    proxy,
    url: proxy.url,
    client,
    chats: () => upstream.requests.filter((r) => r.path === "/v1/chat/completions"),
    async close() {
      await proxy.close();
      await upstream.close();
    },
  };
}

export const basicParams = {
  model: "claude-sonnet-5-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "hi" }],
};

/** Streams through the SDK, returning every event it saw and the final message it assembled. */
export async function sdkStream(client: Anthropic, params: Anthropic.MessageStreamParams) {
  const events: StreamEvent[] = [];
  const stream = client.messages.stream(params);
  // Copies: the SDK keeps mutating the message snapshot that message_start carried.
  stream.on("streamEvent", (event) => events.push(structuredClone(event) as unknown as StreamEvent));
  const message = await stream.finalMessage();
  return { events, message };
}

/** POST straight to the proxy (for what the SDK hides or refuses to send). */
export function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
