/** What a sidecar proxy is put in front of, and where its files go. */
export interface SidecarRequest {
  /** The engine's OpenAI-compatible base URL, without /v1. */
  upstream: string;
  /** The engine's served model name: what the sidecar sends upstream. */
  model: string;
  /** The engine's API key, if it wants one: handed to a sidecar process in its environment, never written to a file. */
  upstreamKey?: string;
  /** Folder for the sidecar's own files (config, home); created when needed. */
  dir: string;
  /** Its log (both streams). */
  logFile: string;
  startupTimeoutMs: number;
  signal?: AbortSignal;
}

/** A running Claude-compatible endpoint in front of the engine. */
export interface RunningSidecar {
  kind: string;
  /** Anthropic base URL (ANTHROPIC_BASE_URL), without /v1. */
  url: string;
  /** Key clients must send (x-api-key or Bearer), made up for this start; undefined when it takes any. */
  apiKey?: string;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** A proxy the lab can start in front of an engine, keyed on `kind` (the lab's own, LiteLLM, claude-code-router). */
export interface Sidecar {
  kind: string;
  /** Human name for tables and charts. */
  title: string;
  start(req: SidecarRequest): Promise<RunningSidecar>;
}
