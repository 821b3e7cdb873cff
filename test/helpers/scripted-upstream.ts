import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake engine does for one POST /v1/chat/completions. */
export interface Script {
  /** Non-200 answers `errorBody` (JSON) with this status. */
  status?: number;
  errorBody?: unknown;
  /** Delay before the response headers (llama-server holds them until prefill is done). */
  headersDelayMs?: number;
  /** Streamed as `data: JSON` events (then `data: [DONE]` unless `done` is false). */
  chunks?: object[];
  /** Raw bytes written as they are, one write each (for SSE framing tests); replaces `chunks`. */
  raw?: (string | Buffer)[];
  chunkDelayMs?: number;
  done?: boolean;
  /** Destroy the socket after this many chunks (engine crash mid-stream). */
  hangUpAfter?: number;
  /** The non-streaming answer. */
  completion?: object;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown> | undefined;
  /** The body exactly as received (for byte-stability checks). */
  text: string;
}

export interface UpstreamConfig {
  /** Which engine's side endpoints to imitate (`llamacpp-legacy`: no input_tokens route, /apply-template instead). */
  kind?: "vllm" | "llamacpp" | "llamacpp-legacy";
  model?: string;
  context?: number;
  script?: (req: RecordedRequest) => Script;
  /** Listen here instead of on a free port (to restart an engine in place). */
  port?: number;
  /** Keep a record of every request (off for load tests). */
  record?: boolean;
}

export interface ScriptedUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Chat requests whose client (the proxy) went away before the answer ended. */
  aborted: number;
  setScript(script: (req: RecordedRequest) => Script): void;
  /** While loading, every route answers 503 as llama-server does before its model is ready. */
  setLoading(loading: boolean): void;
  close(): Promise<void>;
}

/** The fake engine's tokenizer: one token per 4 characters of the prompt-shaping JSON, so tests can predict it. */
export function fakeTokenCount(body: Record<string, unknown>): number {
  return Math.ceil(JSON.stringify([body.messages, body.tools ?? null]).length / 4);
}

export function chunk(delta: object, finishReason: string | null = null, extra: object = {}): object {
  return { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finishReason, ...extra }] };
}

export function usageChunk(prompt: number, completion: number, cached?: number): object {
  const usage: Record<string, unknown> = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  return { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage };
}

/** A plain text answer as the engines stream it: role chunk with empty content, text pieces, finish, usage. */
export function textChunks(pieces: string[], finish = "stop"): object[] {
  return [chunk({ role: "assistant", content: "" }), ...pieces.map((p) => chunk({ content: p })), chunk({}, finish), usageChunk(10, pieces.length)];
}

/** A whole chat.completion (non-streaming answer). */
export function completion(message: object, finishReason = "stop", usage: object = { prompt_tokens: 10, completion_tokens: 2 }, extra: object = {}): object {
  return { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason, ...extra }], usage };
}

export async function startScriptedUpstream(config: UpstreamConfig = {}): Promise<ScriptedUpstream> {
  const kind = config.kind ?? "vllm";
  const model = config.model ?? "served-model";
  const context = config.context ?? 32768;
  let script = config.script ?? (() => ({ chunks: textChunks(["Hello", " world"]), completion: completion({ content: "Hello world" }) }));
  const state = { requests: [] as RecordedRequest[], aborted: 0, loading: false };

  const server = createServer(async (req, res) => {
    const text = await readAll(req);
    const path = (req.url ?? "/").split("?")[0];
    const recorded: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, body: text ? JSON.parse(text) : undefined, text };
    if (config.record !== false) state.requests.push(recorded);
    const body = recorded.body ?? {};
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (state.loading) return json(503, { error: { code: 503, message: "Loading model", type: "unavailable_error" } });
    if (path === "/v1/models") {
      const entry = { id: model, object: "model", created: 1700000000, owned_by: kind === "vllm" ? "vllm" : "llamacpp" };
      return json(200, { object: "list", data: [kind === "vllm" ? { ...entry, max_model_len: context } : { ...entry, meta: { n_ctx_train: 131072 } }] });
    }
    if (path === "/health") return json(200, { status: "ok" });
    const llama = kind !== "vllm";
    if (kind === "llamacpp-legacy" && path === "/apply-template") return json(200, { prompt: JSON.stringify([body.messages, body.tools ?? null]) });
    if (llama && path === "/props") return json(200, { default_generation_settings: { n_ctx: context }, total_slots: 1 });
    if (kind === "llamacpp" && path === "/v1/chat/completions/input_tokens") return json(200, { input_tokens: fakeTokenCount(body) });
    if (path === "/tokenize") {
      if (kind === "vllm") return json(200, { count: fakeTokenCount(body), max_model_len: context, tokens: [] });
      return json(200, { tokens: typeof body.content === "string" ? new Array(Math.ceil(body.content.length / 4)).fill(1) : [] });
    }
    if (path === "/v1/chat/completions") return serveChat(script(recorded), body.stream === true, req, res, state);
    json(404, { error: { message: `no route ${path}`, type: "not_found", code: 404 } });
  });
  await new Promise<void>((resolve) => server.listen(config.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get aborted() {
      return state.aborted;
    },
    setScript(next) {
      script = next;
    },
    setLoading(loading) {
      state.loading = loading;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveChat(s: Script, stream: boolean, req: IncomingMessage, res: ServerResponse, state: { aborted: number }) {
  res.on("close", () => {
    if (!res.writableFinished) state.aborted++;
  });
  if (s.headersDelayMs) await sleep(s.headersDelayMs);
  if (res.destroyed) return;
  if (s.status && s.status !== 200) {
    res.writeHead(s.status, { "content-type": "application/json" });
    return res.end(JSON.stringify(s.errorBody ?? { error: { message: "scripted failure", code: s.status } }));
  }
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(s.completion ?? {}));
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const frames: (string | Buffer)[] = s.raw ?? [...(s.chunks ?? []).map((c) => `data: ${JSON.stringify(c)}\n\n`), ...(s.done === false ? [] : ["data: [DONE]\n\n"])];
  for (let i = 0; i < frames.length; i++) {
    if (s.hangUpAfter !== undefined && i === s.hangUpAfter) return req.socket.destroy();
    if (s.chunkDelayMs) await sleep(s.chunkDelayMs);
    if (res.destroyed) return;
    res.write(frames[i]);
  }
  res.end();
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
