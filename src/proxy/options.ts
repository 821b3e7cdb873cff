import { z } from "zod";
import { badInput } from "../errors.ts";

export const proxyOptionsSchema = z.object({
  /** Engine base URL (vLLM or llama-server), with or without `/v1`. */
  upstream: z.url({ protocol: /^https?$/ }),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(4000),
  host: z.string().min(1).default("127.0.0.1"),
  /** `PATTERN=MODEL` rules, `*` as wildcard (see model-map.ts). */
  modelMap: z.array(z.string()).default([]),
  /** Context window in tokens; asked from the engine when absent. */
  context: z.number().int().positive().optional(),
  /** Key clients must present (x-api-key or Bearer); none = open. */
  apiKey: z.string().min(1).optional(),
  /** Key sent to the engine as Bearer. */
  upstreamKey: z.string().min(1).optional(),
  thinking: z.enum(["auto", "off", "on"]).default("auto"),
  /** Mid-conversation system messages: `auto` probes the engine's template once; `inplace` / `fold` force it. */
  systemMessages: z.enum(["auto", "inplace", "fold"]).default("auto"),
  /** Ping cadence while a stream is quiet (Claude Code gives up after 90 s of silence). */
  pingIntervalMs: z.number().positive().default(15_000),
  /** How long a stream waits for the engine's status before committing to 200 + message_start. */
  streamCommitMs: z.number().min(0).default(250),
  upstreamTimeoutMs: z.number().positive().default(600_000),
  maxBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
  /** One line per request (method, path, status, duration); never keys or bodies. */
  log: z.custom<(line: string) => void>((v) => typeof v === "function").optional(),
  /** Append every /v1/messages request and its outcome to this trace file (JSONL, mode 0600). */
  record: z.string().min(1).optional(),
  /** Log one line per prefix-cache break between consecutive requests of a Claude Code conversation. */
  cacheDoctor: z.boolean().default(false),
  /**
   * Once-per-run notices: unknown input tolerated (first sighting, counts at close), the system-message mode
   * chosen; and the recording warning and cache-doctor lines (those go to stderr when this is not set).
   */
  notice: z.custom<(line: string) => void>((v) => typeof v === "function").optional(),
});

export type ProxyOptions = z.input<typeof proxyOptionsSchema>;
export type ResolvedProxyOptions = z.output<typeof proxyOptionsSchema>;

export function resolveProxyOptions(options: ProxyOptions): ResolvedProxyOptions {
  const result = proxyOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badInput(`proxy option ${issue.path.join(".") || "options"}: ${issue.message}`);
}
