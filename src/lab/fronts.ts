import { join } from "node:path";
import { sidecarFor } from "../sidecars/registry.ts";
import type { RunningSidecar } from "../sidecars/types.ts";

export interface FrontsBase {
  /** The engine's OpenAI-compatible URL and served name. */
  upstream: string;
  model: string;
  /** The engine's key, if it wants one. */
  upstreamKey?: string;
  /** The run directory: sidecar files go to `sidecars/<id>-<kind>/`, logs to `logs/<id>-<kind>.log`. */
  runDir: string;
  id: string;
  startupTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The proxies in front of one engine start (the lab's, LiteLLM, claude-code-router), each started the first time
 * a point's path or the proxy suite asks for it and stopped with the engine. A start that failed is not retried
 * for the same engine: every point that wants that proxy fails with the same cause.
 */
export class Fronts {
  private readonly started = new Map<string, Promise<RunningSidecar>>();

  constructor(private readonly base: FrontsBase) {}

  open(kind: string): Promise<RunningSidecar> {
    let running = this.started.get(kind);
    if (!running) {
      const { runDir, id } = this.base;
      running = sidecarFor(kind).start({
        ...this.base, dir: join(runDir, "sidecars", `${id}-${kind}`), logFile: join(runDir, "logs", `${this.logId(kind)}.log`),
      });
      running.catch(() => {}); // reported to whoever awaits it
      this.started.set(kind, running);
    }
    return running;
  }

  /** The name of a sidecar's log in the run's logs/ folder (without .log). */
  logId(kind: string): string {
    return `${this.base.id}-${kind}`;
  }

  /** Stops every sidecar; returns the kinds that were started (their logs to scrub). */
  async closeAll(): Promise<string[]> {
    const kinds = [...this.started.keys()];
    const all = [...this.started.values()];
    this.started.clear();
    await Promise.allSettled(all.map(async (p) => (await p).stop()));
    return kinds;
  }
}
