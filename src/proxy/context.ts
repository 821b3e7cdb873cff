import { randomUUID } from "node:crypto";
import type { EngineInfo } from "./engine-info.ts";
import type { ModelRule } from "./model-map.ts";
import type { ProxyObserver } from "./observe.ts";
import type { ResolvedProxyOptions } from "./options.ts";
import type { TokenCounter } from "./token-count.ts";
import type { ToleranceLog } from "./tolerance.ts";
import type { Upstream } from "./upstream.ts";

/** What every request handler of one proxy shares (no per-request state lives here). */
export interface ProxyContext {
  options: ResolvedProxyOptions;
  upstream: Upstream;
  engine: EngineInfo;
  counter: TokenCounter;
  rules: ModelRule[];
  /** Unknown input accepted during this run, counted per kind. */
  tolerated: ToleranceLog;
  /** Watchers of every /v1/messages exchange (recording, cache doctor); empty by default. */
  observers: ProxyObserver[];
}

export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}
