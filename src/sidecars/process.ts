import { commandAdapter } from "../engines/command.ts";
import { localLauncher } from "../launchers/local.ts";
import type { RunningSidecar, SidecarRequest } from "./types.ts";

export interface SidecarProcess {
  command: string;
  args(host: string, port: number): string[];
  /** Added to its environment; `${NAME}` references are expanded at launch. */
  env: Record<string, string>;
  /** Path that answers 200 once it serves. */
  readinessPath: string;
  /** Key its clients must send, if it wants one (passed to it in `env`). */
  apiKey?: string;
}

/**
 * Starts a sidecar proxy as the local launcher starts engines (the generic engine's spec): its own process group
 * behind the watchdog, a reserved loopback port, its log, a readiness probe, failures classified from the log
 * and exit status; registered so that Ctrl-C, SIGTERM or a killed bench take it down like an engine.
 */
export async function startSidecarProcess(kind: string, req: SidecarRequest, proc: SidecarProcess): Promise<RunningSidecar> {
  const handle = await localLauncher.start({
    render: (host, port) => ({
      // TUNELAB_SIDECAR names its folder: the one mark every sidecar process carries, whatever its command line
      engine: "command", command: proc.command, args: proc.args(host, port), env: { TUNELAB_SIDECAR: req.dir, ...proc.env }, host, port,
      baseUrl: `http://${host}:${port}`, servedName: req.model,
      readiness: { path: proc.readinessPath, loadingStatuses: [503] },
      capabilities: { openaiChat: false, anthropicMessages: true, tokenize: null, resetPrefixCache: null, metrics: null },
    }),
    engine: commandAdapter,
    runDir: req.dir,
    serverId: kind,
    gridName: kind,
    logFile: req.logFile,
    startupTimeoutMs: req.startupTimeoutMs,
    stopTimeoutMs: 10_000,
    signal: req.signal,
    options: {},
  });
  return { kind, url: handle.spec.baseUrl, apiKey: proc.apiKey, stop: () => handle.stop(), logTail: (lines) => handle.logTail(lines) };
}
