import { request } from "undici";

export interface Probe {
  status: number;
  body: unknown;
}

async function call(base: string, path: string, body?: unknown): Promise<Probe> {
  const res = await request(base + path, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.statusCode, body: parsed };
}

/** The stream's chunks as parsed JSON, in order. */
async function streamChunks(base: string, body: unknown): Promise<unknown[]> {
  const res = await request(base + "/v1/chat/completions", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  const text = await res.body.text();
  return text.split("\n").filter((l) => l.startsWith("data: {")).map((l) => JSON.parse(l.slice(6)));
}

const messages = [{ role: "user", content: "Say hello" }];

/** The same requests against any vLLM-compatible server, for comparing response shapes. */
export async function probeApi(base: string, model: string): Promise<Record<string, Probe | unknown>> {
  const chunks = await streamChunks(base, { model, messages, max_tokens: 4, stream: true, stream_options: { include_usage: true } });
  return {
    models: await call(base, "/v1/models"),
    tokenize: await call(base, "/tokenize", { model, prompt: "hello world" }),
    tokenizeChat: await call(base, "/tokenize", { model, messages }),
    chat: await call(base, "/v1/chat/completions", { model, messages, max_tokens: 4 }),
    streamFirst: chunks[0],
    streamContent: chunks.find((c) => (c as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content),
    streamFinish: chunks.find((c) => (c as { choices?: Array<{ finish_reason?: string }> }).choices?.[0]?.finish_reason),
    streamUsage: chunks.at(-1),
    errorUnknownModel: await call(base, "/v1/chat/completions", { model: "no-such-model", messages }),
    errorNoMessages: await call(base, "/v1/chat/completions", { model }),
    errorTooLong: await call(base, "/v1/chat/completions", { model, messages, max_tokens: 1_000_000 }),
    errorBadJson: await call(base, "/v1/chat/completions", "{not json"),
  };
}
