import { request } from "undici";
import { onChatData } from "../client/openai-chat.ts";
import { streamRequest } from "../client/stream-request.ts";
import { monotonicClock, type ToolCall } from "../client/types.ts";
import { e2elMsOf, tpotMsOf, ttftMsOf } from "../metrics/request-times.ts";

/** One streamed request measured by the lab's own client, converted to real-time-equivalent seconds. */
export interface StreamMeasurement {
  readonly status: number;
  /** TTFT, E2EL and TPOT by the lab's own formulas (metrics/request-times.ts); NaN where undefined. */
  readonly ttftS: number;
  readonly e2eS: number;
  readonly tpotS: number;
  readonly chunks: number;
  readonly usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number } } | undefined;
  readonly text: string;
  readonly finishReason: string | undefined;
  readonly toolCalls: ToolCall[];
  /** The time scale the simulator reports on /version (1 when absent). */
  readonly timeScale: number;
}

const scales = new Map<string, Promise<number>>();

/** The simulator's --time-scale, from /version (asked once per server, outside any measured window). */
function timeScaleOf(baseUrl: string): Promise<number> {
  let scale = scales.get(baseUrl);
  if (!scale) {
    scale = request(`${baseUrl}/version`).then(async (res) => Number(((await res.body.json()) as { sim?: { time_scale?: number } }).sim?.time_scale ?? 1));
    scales.set(baseUrl, scale);
  }
  return scale;
}

/**
 * Streams POST /v1/chat/completions (or /v1/completions) through the lab's client (`streamRequest` +
 * `onChatData`, exactly what the suites use); the simulator stamps its streams, so times are on its clock
 * (wall time would be multiplied by the time scale): the calibration is checked through the suites' own code.
 */
export async function measureStream(baseUrl: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<StreamMeasurement> {
  const serverScale = await timeScaleOf(baseUrl);
  const state = { text: "", tools: [] as ToolCall[] };
  const payload = JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } });
  const r = await streamRequest(`${baseUrl}${path}`, headers, payload, monotonicClock(), {}, (rec, data, _event, now) => onChatData(data, now, rec, state));
  const scale = r.simClock ? 1 : serverScale; // stamped streams are timed on the simulator's clock already
  const seconds = (ms: number | undefined) => (ms === undefined ? NaN : (ms / 1000) * scale);
  const outputs = r.outputTokens ?? 0;
  const usage = r.outputTokens === undefined ? undefined : {
    prompt_tokens: r.promptTokens ?? 0, completion_tokens: outputs,
    ...(r.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: r.cachedTokens } } : {}),
  };
  return {
    status: Number(/^HTTP (\d+)/.exec(r.error ?? "")?.[1] ?? 200), ttftS: seconds(ttftMsOf(r)), e2eS: seconds(e2elMsOf(r)), tpotS: seconds(tpotMsOf(r)),
    chunks: r.chunkNs.length, usage, text: state.text, finishReason: r.finishReason, toolCalls: state.tools.filter(Boolean), timeScale: serverScale,
  };
}
