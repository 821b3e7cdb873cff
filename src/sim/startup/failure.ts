/** A fatal startup error: where vLLM raises it, and the exception line(s) it ends with. */
export class StartupFailure extends Error {
  constructor(
    /** "config": raised by the API server while building the config; "engine": inside EngineCore init. */
    readonly phase: "config" | "engine",
    /** The final exception text, e.g. `ValueError: Free memory on device ...`. */
    readonly exception: string,
    /** Innermost Python frames (file, line, function, source) leading to the raise. */
    readonly frames: readonly Frame[],
  ) {
    super(exception.split("\n")[0]);
    this.name = "StartupFailure";
  }
}

export interface Frame {
  readonly file: string;
  readonly line: number;
  readonly fn: string;
  readonly code: string;
}

const SITE = "/usr/local/lib/python3.12/dist-packages";
export const frame = (file: string, line: number, fn: string, code: string): Frame => ({
  file: file.startsWith("/") ? file : `${SITE}/${file}`,
  line,
  fn,
  code,
});

export function renderFrames(frames: readonly Frame[]): string[] {
  return frames.flatMap((f) => [`  File "${f.file}", line ${f.line}, in ${f.fn}`, `    ${f.code}`]);
}

/** Frames of `vllm serve` down to where the API server builds the engine. */
export const CLI_FRAMES: readonly Frame[] = [
  frame("/usr/local/bin/vllm", 10, "<module>", "sys.exit(main())"),
  frame("vllm/entrypoints/cli/main.py", 73, "main", "args.dispatch_function(args)"),
  frame("vllm/entrypoints/cli/serve.py", 59, "cmd", "uvloop.run(run_server(args))"),
  frame("/usr/local/lib/python3.12/dist-packages/uvloop/__init__.py", 109, "run", "return __asyncio.run("),
  frame("vllm/entrypoints/openai/api_server.py", 1941, "run_server", "await run_server_worker(listen_address, sock, args, **uvicorn_kwargs)"),
  frame("vllm/entrypoints/openai/api_server.py", 1961, "run_server_worker", "async with build_async_engine_client("),
  frame("vllm/entrypoints/openai/api_server.py", 179, "build_async_engine_client_from_engine_args", "vllm_config = engine_args.create_engine_config(usage_context=usage_context)"),
];
