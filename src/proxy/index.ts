import type { AddressInfo } from "node:net";
import { failure } from "../errors.ts";
import type { ProxyContext } from "./context.ts";
import { EngineInfo } from "./engine-info.ts";
import { parseModelMap } from "./model-map.ts";
import type { ProxyObserver } from "./observe.ts";
import { resolveProxyOptions, type ProxyOptions, type ResolvedProxyOptions } from "./options.ts";
import { createProxyServer } from "./server.ts";
import type { SystemMessageMode } from "./system-messages.ts";
import { TokenCounter } from "./token-count.ts";
import { ToleranceLog } from "./tolerance.ts";
import { Upstream } from "./upstream.ts";

export type { ProxyOptions } from "./options.ts";
export {
  claudeEnv,
  maxOutputTokens,
  renderEnvFile,
  renderExports,
  resolveEnv,
  type ClaudeEnv,
  type ClaudeEnvInput,
} from "./claude-env.ts";

export interface RunningProxy {
  /** Base URL for clients (ANTHROPIC_BASE_URL), without /v1. */
  url: string;
  port: number;
  /** Unknown input accepted so far, per kind. */
  tolerated: ToleranceLog;
  close(): Promise<void>;
}

/** Starts the Claude-compatible proxy in this process; port 0 picks a free port. */
export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const options = resolveProxyOptions(opts);
  const upstream = new Upstream({ url: options.upstream, key: options.upstreamKey, timeoutMs: options.upstreamTimeoutMs });
  const ctx: ProxyContext = {
    options,
    upstream,
    engine: new EngineInfo(upstream, options.context, (mode) => options.notice?.(systemModeNotice(mode))),
    counter: new TokenCounter(upstream),
    rules: parseModelMap(options.modelMap),
    tolerated: new ToleranceLog(options.notice),
    observers: await observersFor(options),
  };
  upstream.onUnreachable = () => ctx.engine.invalidate();
  const server = createProxyServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const hint = err.code === "EADDRINUSE" ? "pick another --port (0 = any free port)" : undefined;
      for (const o of ctx.observers) o.close?.();
      reject(failure(`proxy cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}`, hint));
    });
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    port,
    tolerated: ctx.tolerated,
    async close() {
      const summary = ctx.tolerated.summary();
      if (summary) options.notice?.(summary);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await upstream.close();
      for (const o of ctx.observers) o.close?.();
    },
  };
}

/** Recording and the cache doctor watch exchanges only when asked for (nothing is added to the hot path otherwise). */
async function observersFor(options: ResolvedProxyOptions): Promise<ProxyObserver[]> {
  const notice = options.notice ?? ((line: string) => process.stderr.write(`proxy: ${line}\n`));
  const observers: ProxyObserver[] = [];
  if (options.record) {
    const { TraceRecorder } = await import("../trace/recorder.ts");
    observers.push(new TraceRecorder(options.record, notice));
  }
  if (options.cacheDoctor) {
    const { ProxyCacheDoctor } = await import("../doctor/proxy-doctor.ts");
    const { engineTokenizer } = await import("../doctor/engine-tokens.ts");
    observers.push(new ProxyCacheDoctor(notice, () => engineTokenizer(options.upstream, options.upstreamKey)));
  }
  return observers;
}

function systemModeNotice(mode: SystemMessageMode): string {
  return mode === "fold"
    ? "the engine's chat template rejects a system message after the first: mid-conversation system messages are folded into user turns as <system-reminder> blocks (--system-messages to force)"
    : "the engine's chat template takes mid-conversation system messages: they are sent in place (--system-messages to force)";
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
