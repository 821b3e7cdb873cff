import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** vLLM reads these from the environment; so does the simulator (same names, same defaults). */
const flag = (fallback: "0" | "1") =>
  z
    .string()
    .optional()
    .transform((v) => ["1", "true"].includes((v ?? fallback).trim().toLowerCase()));

export const VllmEnvSchema = z.object({
  VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE: flag("1"),
  VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING: flag("1"),
  VLLM_MARLIN_USE_ATOMIC_ADD: flag("0"),
  VLLM_USE_DEEP_GEMM: flag("1"),
  VLLM_FLOAT32_MATMUL_PRECISION: z.enum(["highest", "high", "medium"]).default("highest"),
  VLLM_CACHE_ROOT: z.string().optional(),
  VLLM_API_KEY: z.string().optional(),
  VLLM_SERVER_DEV_MODE: flag("0"),
  VLLM_ALLOW_LONG_MAX_MODEL_LEN: flag("0"),
  VLLM_LOG_STATS_INTERVAL: z.coerce.number().positive().default(10),
  XDG_CACHE_HOME: z.string().optional(),
});
export type VllmEnv = z.infer<typeof VllmEnvSchema> & { cacheRoot: string };

export function readVllmEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): VllmEnv {
  const parsed = VllmEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`ValueError: invalid environment variable ${issue.path.join(".")}: ${issue.message}`);
  }
  const cacheRoot = parsed.data.VLLM_CACHE_ROOT ?? join(parsed.data.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "vllm");
  return { ...parsed.data, cacheRoot };
}
