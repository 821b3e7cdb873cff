import { z } from "zod";
import { badInput } from "../errors.ts";

/** `launcher.options` of a docker grid (other launchers' keys are ignored). */
export const DockerOptions = z.object({
  /** Image whose entrypoint is the engine (default per engine: vllm/vllm-openai, llama.cpp's server image). */
  image: z.string().min(1).optional(),
  /** GPUs reserved for the container: `all`, a count, or device ids (default: all for vLLM, none for llama.cpp). */
  gpus: z.union([z.literal("all"), z.number().int().nonnegative(), z.array(z.union([z.string(), z.number()]).transform(String))]).optional(),
  /** Host folder mounted as the container's Hugging Face cache (default $HF_HOME or ~/.cache/huggingface). */
  hf_cache: z.string().min(1).optional(),
  /** Host folder mounted as vLLM's compile cache (default $VLLM_CACHE_ROOT or ~/.cache/vllm); seed 001: keep it. */
  compile_cache: z.string().min(1).optional(),
  /** Publish the engine on this loopback port instead of a free one (one engine at a time: --parallel 1). */
  host_port: z.number().int().min(1).max(65535).optional(),
});
export type DockerOptions = z.infer<typeof DockerOptions>;

export function parseDockerOptions(options: Record<string, unknown>): DockerOptions {
  const parsed = DockerOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badInput(`launcher.options.${issue.path.join(".")}: ${issue.message}`);
}

/** Command-line `--image` over the grid's `launcher.options.image`. */
export function withDockerFlags<G extends { launcher: { options: Record<string, unknown> } }>(grid: G, flags: { image?: string }): G {
  if (flags.image === undefined) return grid;
  return { ...grid, launcher: { ...grid.launcher, options: { ...grid.launcher.options, image: flags.image } } };
}
