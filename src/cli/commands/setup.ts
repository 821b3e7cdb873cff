import type { Command } from "commander";
import { badInput } from "../../errors.ts";
import { defaultProgressMode } from "../../progress/render.ts";
import { ensureLlamaCpp } from "../../setup/llamacpp.ts";
import { ensureTinyModel } from "../../setup/tiny-model.ts";
import { ensureLlamaServerImage } from "../../setup/image.ts";

interface ModelFlags {
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

async function tinyModel(flags: ModelFlags): Promise<string> {
  const { path } = await withProgress((onProgress) =>
    ensureTinyModel({
      seed: intFlag("seed", flags.seed),
      layers: intFlag("layers", flags.layers),
      width: intFlag("width", flags.width),
      out: flags.out,
      onProgress,
    }),
  );
  return path;
}

export function register(program: Command): void {
  const setup = program
    .command("setup")
    .description("build the CPU engine (llama.cpp) and generate the tiny test model, cached under ~/.cache/tunelab");

  setup
    .command("llama.cpp")
    .description("build llama-server and llama-bench from the llama.cpp source shipped with node-llama-cpp; prints the llama-server path")
    .option("--force", "rebuild even when a build is cached")
    .action(async (flags: { force?: boolean }) => {
      const build = await withProgress((onProgress) => ensureLlamaCpp({ force: flags.force, onProgress }));
      process.stdout.write(build.serverPath + "\n");
    });

  setup
    .command("model")
    .description("generate a model; `tiny`: random-weight qwen2 with the Qwen2.5 tokenizer and chat template; prints its path")
    .argument("<kind>", "model kind: tiny")
    .option("--seed <n>", "random seed (same seed, same file)", "0")
    .option("--layers <n>", "transformer layers", "4")
    .option("--width <n>", "embedding width, a multiple of 64", "256")
    .option("--out <file>", "write here instead of the cache")
    .action(async (kind: string, flags: ModelFlags) => {
      if (kind !== "tiny") throw badInput(`unknown model kind '${kind}'`, "known kinds: tiny");
      process.stdout.write((await tinyModel(flags)) + "\n");
    });

  setup
    .command("image")
    .description("build the local docker image tunelab/llama-server:<llama.cpp version> FROM scratch from the cached build (no registry needed); prints its tag")
    .argument("<engine>", "engine: llama.cpp")
    .option("--force", "rebuild even when the image exists")
    .action(async (engine: string, flags: { force?: boolean }) => {
      if (engine !== "llama.cpp") throw badInput(`no local image for '${engine}'`, "known: llama.cpp (vLLM's image is vllm/vllm-openai, pulled from Docker Hub)");
      const tag = await withProgress((onProgress) => ensureLlamaServerImage({ force: flags.force, onProgress }));
      process.stdout.write(tag + "\n");
    });

  setup
    .command("all")
    .description("build llama.cpp and generate the default tiny model; prints both paths (the model last)")
    .action(async () => {
      const build = await withProgress((onProgress) => ensureLlamaCpp({ onProgress }));
      process.stdout.write(build.serverPath + "\n");
      process.stdout.write((await tinyModel({})) + "\n");
    });
}
