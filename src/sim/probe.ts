import { request } from "undici";
import { SIM_TIME_SCALE_HEADER } from "./index.ts";

/** One streamed request measured like `vllm bench serve`, converted to real-time-equivalent seconds. */
export interface StreamMeasurement {
  readonly status: number;
  /** First chunk with choices, minus the moment the request was sent. */
  readonly ttftS: number;
  /** Last chunk minus start. */
  readonly e2eS: number;
  /** (e2e - ttft) / (completion_tokens - 1). */
  readonly tpotS: number;
  readonly chunks: number;
  readonly usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number } } | undefined;
  readonly text: string;
  readonly finishReason: string | undefined;
  readonly toolCalls: Array<{ id?: string; name?: string; arguments: string }>;
  /** The x-sim-time-scale the server reported (1 when absent). */
  readonly timeScale: number;
}

/**
 * Streams POST /v1/chat/completions (or /v1/completions) with usage, measuring TTFT / E2E / TPOT in wall time and
 * multiplying by the server's time scale. A small client for the simulator's own checks and benchmarks.
 */
export async function measureStream(baseUrl: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<StreamMeasurement> {
  const payload = JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } });
  const start = performance.now();
  const res = await request(`${baseUrl}${path}`, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });
  const scale = Number(res.headers[SIM_TIME_SCALE_HEADER] ?? 1);
  let first: number | undefined;
  let last = start;
  let chunks = 0;
  let text = "";
  let finishReason: string | undefined;
  let usage: StreamMeasurement["usage"];
  const toolCalls: StreamMeasurement["toolCalls"] = [];
  let buffer = "";
  for await (const part of res.body) {
    buffer += part.toString();
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const line = buffer.slice(0, cut).trim();
      buffer = buffer.slice(cut + 2);
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      const chunk = JSON.parse(line.slice(6));
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const now = performance.now();
      first ??= now;
      last = now;
      chunks++;
      text += choice.delta?.content ?? choice.text ?? "";
      finishReason = choice.finish_reason ?? finishReason;
      for (const call of choice.delta?.tool_calls ?? []) {
        if (call.id) toolCalls.push({ id: call.id, name: call.function?.name, arguments: "" });
        if (call.function?.arguments) toolCalls[toolCalls.length - 1].arguments += call.function.arguments;
      }
    }
  }
  const ttftS = (((first ?? last) - start) / 1000) * scale;
  const e2eS = ((last - start) / 1000) * scale;
  const outputs = usage?.completion_tokens ?? 0;
  return { status: res.statusCode, ttftS, e2eS, tpotS: outputs > 1 ? (e2eS - ttftS) / (outputs - 1) : NaN, chunks, usage, text, finishReason, toolCalls, timeScale: scale };
}
