import type { ArgValue } from "../grid/schema.ts";
import { resolve as resolvePath } from "node:path";
import { badInput } from "../errors.ts";
import { splitEnvParams } from "./env-params.ts";
import { renderFlags } from "./flags.ts";
import { classifyLlamaCppLog } from "./llamacpp-classify.ts";
import type { EngineAdapter } from "./types.ts";
import { existingFile } from "./executable.ts";

/** llama-server switches without a `--no-` form (checked in the bundled common/arg.cpp). */
const POSITIVE_ONLY = new Set(["metrics", "verbose", "embedding", "embeddings", "reranking", "props", "context-shift-off"]);
/** Short names users know from llama.cpp's docs, rendered as the long flag. */
const ALIASES: Record<string, string> = {
  np: "parallel", b: "batch-size", ub: "ubatch-size", c: "ctx-size", t: "threads", tb: "threads-batch",
  cb: "cont-batching", kvu: "kv-unified", fa: "flash-attn", ngl: "n-gpu-layers", cram: "cache-ram",
};

export const llamaCppAdapter: EngineAdapter = {
  kind: "llamacpp",
  installHint: "run `bench setup llama.cpp` (builds llama-server from the bundled source) or set `binary:` in the grid",
  inGrids: true,
  defaultBinary: "llama-server",
  defaultPort: 8080,
  images: { default: "ghcr.io/ggml-org/llama.cpp:server", gpu: "ghcr.io/ggml-org/llama.cpp:server-cuda" },
  // REFERENCE.md section 2: llama.cpp counts cached prompt tokens apart from processed ones
  serverMetrics: {
    prefix: "llamacpp:", queries: ["llamacpp:prompt_tokens_total", "llamacpp:prompt_tokens_cached_total"], hits: "llamacpp:prompt_tokens_cached_total",
    queue: "llamacpp:requests_deferred", kv: "llamacpp:kv_cache_usage_ratio",
  },
  /** Built from the bundled source on first use; `model: tiny` is the generated test model. */
  async resolve({ grid, file, binary, model, onSetup }) {
    const server = binary ?? grid.binary ?? (await (await import("../setup/llamacpp.ts")).ensureLlamaCpp({ onProgress: onSetup })).serverPath;
    existingFile(server, `llama-server binary '${server}' not found`, llamaCppAdapter.installHint);
    const name = model ?? grid.model;
    const path = name === "tiny" ? (await (await import("../setup/tiny-model.ts")).ensureTinyModel({ onProgress: onSetup })).path : resolvePath(name);
    existingFile(path, `${file}: field 'model': no such file '${name}'`, "give the path of a .gguf, or `tiny` for the generated test model");
    return { binary: server, model: path };
  },
  async version(binary) {
    const { llamaServerVersion } = await import("../setup/llamacpp.ts");
    const v = await llamaServerVersion(binary).catch(() => undefined);
    return v && `llama.cpp ${v.version} (build ${v.build}, commit ${v.commit})`;
  },
  render({ grid, server, host, port, binary, model }) {
    const servedName = grid.served_name ?? "model";
    const params: Record<string, ArgValue> = {};
    const { flags, env } = splitEnvParams(server);
    for (const [name, value] of Object.entries({ ...grid.args, ...flags })) params[ALIASES[name] ?? name] = value;
    const args = [
      "-m", model, "-a", servedName, "--host", host, "--port", String(port), "--metrics", "--jinja",
      ...renderFlags(params, { positiveOnly: POSITIVE_ONLY }),
    ];
    return {
      engine: "llamacpp", command: binary, args, env: { ...grid.env, ...env }, host, port,
      baseUrl: `http://${host}:${port}`,
      servedName,
      readiness: { path: "/health", loadingStatuses: [503] },
      capabilities: { openaiChat: true, anthropicMessages: true, tokenize: "llamacpp", resetPrefixCache: "llamacpp-slots", metrics: "llamacpp" },
      auth: { flag: "--api-key", env: "LLAMA_API_KEY" },
    };
  },
  classifyLog: classifyLlamaCppLog,
  checkParam(name, values, where) {
    const long = ALIASES[name] ?? name;
    if (["parallel", "batch-size", "ubatch-size", "ctx-size"].includes(long) && values.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
      throw badInput(`${where}: ${long} takes integers`);
    }
  },
};
