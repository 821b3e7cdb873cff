import type { OutputPlan, SampledToken, FinishReason } from "../text/output-plan.ts";

export type EngineFinishReason = FinishReason | "abort" | "error";

/** What the engine tells the API layer about one request (times in simulated seconds). */
export interface RequestSink {
  onToken(token: SampledToken, at: number): void;
  onFinish(reason: EngineFinishReason, at: number): void;
}

export interface RequestTimes {
  readonly arrival: number;
  ready: number;
  firstScheduled?: number;
  firstToken?: number;
  lastToken?: number;
}

/** One request inside the simulated engine. */
export class EngineRequest {
  readonly tokenIds: number[];
  readonly blockHashes: string[] = [];
  readonly blocks: number[] = [];
  numComputed = 0;
  /** Leading blocks already registered in the prefix cache. */
  numCachedBlocks = 0;
  /** Prompt tokens found in the prefix cache at first scheduling (usage.prompt_tokens_details.cached_tokens). */
  numCachedTokens: number | undefined;
  finished = false;
  readonly times: RequestTimes;

  constructor(
    readonly id: string,
    readonly promptTokenIds: readonly number[],
    readonly plan: OutputPlan,
    readonly sink: RequestSink,
    arrival: number,
    /** The client's lane (see lanes.ts), when it named one. */
    readonly lane?: string,
  ) {
    this.tokenIds = [...promptTokenIds];
    this.times = { arrival, ready: arrival };
  }

  get promptLength(): number {
    return this.promptTokenIds.length;
  }

  get outputLength(): number {
    return this.tokenIds.length - this.promptTokenIds.length;
  }
}
