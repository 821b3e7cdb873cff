import { createServer, type Server } from "node:http";
import type { Writable } from "node:stream";
import { parseVllmArgv } from "./argv/parse-argv.ts";
import { ArgparseExit, usageError } from "./argv/argparse-exit.ts";
import { SimClock } from "./clock.ts";
import { resolveSimConfig, type SimConfig } from "./config.ts";
import { VllmLogger } from "./log.ts";
import { PerfModel } from "./perf-model.ts";
import { SimEngine } from "./engine/engine.ts";
import { startStatsLogger } from "./engine/stats-logger.ts";
import { createVllmMetrics } from "./metrics/vllm-metrics.ts";
import { runStartup } from "./startup/sequence.ts";
import { StartupFailure, frame } from "./startup/failure.ts";
import { checkPortFree } from "./startup/port.ts";
import { cacheConfigInfo } from "./metrics/cache-config-info.ts";
import { reportStartupFailure } from "./startup/report.ts";
import { SimContext } from "./server/context.ts";
import { createRequestHandler } from "./server/app.ts";
import { SIM_FAILED_AFTER } from "../util/sim-clock-protocol.ts";

export interface StartSimServerOptions {
  /** `vllm serve` argv after `serve`: model then flags (simulator switches allowed). */
  readonly argv: readonly string[];
  readonly env?: Record<string, string | undefined>;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
}

export interface SimServer {
  readonly url: string;
  readonly port: number;
  readonly config: SimConfig;
  readonly engine: SimEngine;
  /** Resolves with the exit code once the server stopped: 0 after close(), 1 after the engine died. */
  readonly exited: Promise<number>;
  close(): Promise<void>;
}

/** The process must exit with this code; what vLLM prints was already written to stdout/stderr. */
export class SimExit extends Error {
  constructor(readonly exitCode: 0 | 1 | 2) {
    super(`vllm serve exited with code ${exitCode}`);
    this.name = "SimExit";
  }
}

/**
 * Starts a simulated `vllm serve`: parses argv like vLLM, goes through the startup in simulated time (the port is
 * not listening meanwhile), then serves vLLM's HTTP API. Rejects with SimExit where vLLM would exit.
 */
export async function startSimServer(options: StartSimServerOptions): Promise<SimServer> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let config: SimConfig;
  try {
    const parsed = parseVllmArgv(options.argv);
    for (const flag of ["time_scale", "startup_time_scale"]) {
      const value = parsed.values[flag] as number | null;
      if (value !== null && !(value > 0)) throw usageError(`argument --${flag.replace(/_/g, "-")}: must be greater than 0`);
    }
    try {
      config = resolveSimConfig(parsed, options.env ?? process.env);
    } catch (err) {
      if (String(err).includes("hardware profile")) throw usageError(`argument --hardware: ${(err as Error).message}`);
      throw new StartupFailure("config", (err as Error).message, [frame("vllm/engine/arg_utils.py", 1365, "create_engine_config", "config = self.create_model_config()")]);
    }
  } catch (err) {
    if (err instanceof ArgparseExit) {
      (err.exitCode === 0 ? stdout : stderr).write(err.output);
      throw new SimExit(err.exitCode);
    }
    if (err instanceof StartupFailure) {
      reportStartupFailure(err, new VllmLogger(new SimClock(1), stdout), stderr);
      throw new SimExit(1);
    }
    throw err;
  }
  const clock = new SimClock(config.args.startup_time_scale ?? config.timeScale);
  const log = new VllmLogger(clock, stdout);
  try {
    await checkPortFree(config);
    const startup = await runStartup(config, clock, log);
    clock.setTimeScale(config.timeScale);
    return await serve(config, clock, log, stderr, startup);
  } catch (err) {
    if (err instanceof StartupFailure) {
      reportStartupFailure(err, log, stderr);
      // last on stdout (the engine log the lab reads, whose tail a failed start keeps), so that stderr still ends like vLLM's
      stdout.write(`${SIM_FAILED_AFTER} ${clock.slept.toFixed(2)} s\n`);
      throw new SimExit(1);
    }
    throw err;
  }
}

async function serve(config: SimConfig, clock: SimClock, log: VllmLogger, stderr: Writable, startup: Awaited<ReturnType<typeof runStartup>>): Promise<SimServer> {
  const { memory, maxModelLen, compileCache } = startup;
  const metrics = createVllmMetrics(config.servedModelNames[0], cacheConfigInfo(config, memory.numGpuBlocks));
  const perf = new PerfModel(config);
  const engine = new SimEngine(clock, perf, metrics, {
    numGpuBlocks: memory.numGpuBlocks,
    blockSize: config.blockSize,
    prefixCaching: config.prefixCaching,
    maxNumSeqs: config.maxNumSeqs,
    maxNumBatchedTokens: config.maxNumBatchedTokens,
    chunkedPrefill: config.chunkedPrefill,
    maxModelLen,
    compileCache,
    maxCapturedTokens: Math.max(0, ...config.compilation.captureSizes),
  });
  const ctx = new SimContext(config, clock, engine, perf, metrics, log, stderr, maxModelLen, clock.slept);
  const server = createServer({ keepAliveTimeout: 5000 }, createRequestHandler(ctx));
  const host = config.args.host ?? "0.0.0.0";
  log.info("api_server.py:1912", `Starting vLLM server on http://${host}:${config.args.port}`);
  log.uvicorn(`Started server process [${process.pid}]`);
  log.uvicorn("Waiting for application startup.");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.args.port, config.args.host ?? undefined, () => resolve());
  });
  log.uvicorn("Application startup complete.");
  const stopStats = config.args.disable_log_stats ? () => {} : startStatsLogger(engine, log, config.env.VLLM_LOG_STATS_INTERVAL, config.timeScale);
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = async (code: number) => {
    stopStats();
    log.uvicorn("Shutting down");
    await closeServer(server);
    log.uvicorn(`Finished server process [${process.pid}]`);
    resolveExit(code);
  };
  ctx.onDeath(() => {
    log.error("api_server.py:1280", "Engine failed, terminating server.");
    setTimeout(() => void shutdown(1), Math.max(100, (2000 / config.timeScale)));
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${config.args.host && config.args.host !== "0.0.0.0" ? config.args.host : "127.0.0.1"}:${port}`,
    port,
    config,
    engine,
    exited,
    close: async () => {
      engine.kill();
      await shutdown(0);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
