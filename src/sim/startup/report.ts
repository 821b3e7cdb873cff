import type { Writable } from "node:stream";
import type { VllmLogger } from "../log.ts";
import { CLI_FRAMES, frame, renderFrames, type StartupFailure } from "./failure.ts";

const ENGINE_FRAMES = [
  frame("/usr/lib/python3.12/multiprocessing/process.py", 314, "_bootstrap", "self.run()"),
  frame("/usr/lib/python3.12/multiprocessing/process.py", 108, "run", "self._target(*self._args, **self._kwargs)"),
  frame("vllm/v1/engine/core.py", 712, "run_engine_core", "raise e"),
  frame("vllm/v1/engine/core.py", 699, "run_engine_core", "engine_core = EngineCoreProc(*args, **kwargs)"),
];

const WAIT_FRAMES = [
  ...CLI_FRAMES.slice(0, 6),
  frame("vllm/entrypoints/openai/api_server.py", 206, "build_async_engine_client_from_engine_args", "async_llm = AsyncLLM.from_vllm_config("),
  frame("vllm/v1/engine/async_llm.py", 134, "__init__", "self.engine_core = EngineCoreClient.make_async_mp_client("),
  frame("vllm/v1/engine/core_client.py", 448, "__init__", "with launch_core_engines(vllm_config, executor_class, log_stats) as ("),
  frame("vllm/v1/engine/utils.py", 899, "wait_for_engine_startup", "raise RuntimeError("),
];

/**
 * Prints a fatal startup error the way vLLM does: engine failures as ERROR log lines on stdout, then the
 * engine process traceback and the API server's `Engine core initialization failed` traceback on stderr;
 * config errors as one traceback on stderr.
 */
export function reportStartupFailure(failure: StartupFailure, logger: VllmLogger, stderr: Writable): void {
  const inner = renderFrames(failure.frames);
  if (failure.phase === "config") {
    stderr.write(["Traceback (most recent call last):", ...renderFrames(CLI_FRAMES), ...inner, failure.exception].join("\n") + "\n");
    return;
  }
  const engineTrace = ["Traceback (most recent call last):", ...renderFrames(ENGINE_FRAMES.slice(3)), ...inner, failure.exception];
  logger.error("core.py:708", ["EngineCore failed to start.", ...engineTrace].join("\n"));
  stderr.write(
    [
      "Process EngineCore_DP0:",
      "Traceback (most recent call last):",
      ...renderFrames(ENGINE_FRAMES),
      ...inner,
      failure.exception,
      "Traceback (most recent call last):",
      ...renderFrames(WAIT_FRAMES),
      "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ].join("\n") + "\n",
  );
}
