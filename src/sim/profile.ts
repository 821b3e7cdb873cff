import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { packagePath } from "../util/paths.ts";

/** A hardware profile: one model on one machine, with the constants of the performance model (perf-model.ts). */
const PerMode = z.object({ compile_cache: z.number().nonnegative(), no_compile_cache: z.number().nonnegative() });

export const HardwareProfileSchema = z.object({
  name: z.string(),
  description: z.string(),
  provenance: z.enum(["calibrated", "estimate"]),
  gpu: z.object({
    name: z.string(),
    count: z.number().int().positive(),
    total_memory_gib: z.number().positive(),
    free_memory_at_startup_gib: z.number().positive(),
    supports_full_cudagraph: z.boolean(),
    supported_kv_cache_dtypes: z.array(z.string()),
    kv_cache_dtype_error: z.string(),
  }),
  model: z.object({
    default_name: z.string(),
    architecture: z.string(),
    max_position_embeddings: z.number().int().positive(),
    weights_gib: z.number().positive(),
    kv_bytes_per_token: z.number().positive(),
    kv_replicated_across_tp: z.boolean(),
    moe: z.boolean(),
  }),
  memory: z.object({
    non_torch_gib: z.number().nonnegative(),
    activation_gib_per_1k_batched_tokens: z.number().nonnegative(),
    cudagraph_gib: z.number().nonnegative(),
  }),
  reference: z.object({
    tensor_parallel_size: z.number().int().positive(),
    expert_parallel: z.boolean(),
  }),
  decode: z.object({
    fixed_ms: z.number().positive(),
    per_seq_ms: z.number().nonnegative(),
    attention_us_per_context_token: z.number().nonnegative(),
  }),
  prefill: z.object({
    tokens_per_s: z.number().positive(),
    attention_ns_per_token_pair: z.number().nonnegative(),
  }),
  request_overhead: z.object({
    fixed_s: z.number().nonnegative(),
    us_per_prompt_token: z.number().nonnegative(),
  }),
  factors: z.object({
    autotune_fixed: z.number().positive(),
    autotune_per_seq: z.number().positive(),
    eager_decode: z.number().positive(),
    eager_prefill: z.number().positive(),
    cudagraph_none_decode: z.number().positive(),
    piecewise_only_decode: z.number().positive(),
    inductor_off_decode: z.number().positive(),
    no_expert_parallel_per_seq: z.number().positive(),
    tp_scaling_exponent: z.number().nonnegative(),
    marlin_atomic_add_off: z.number().positive(),
    fp32_matmul_highest: z.number().positive(),
  }),
  graph_warmup: z.object({ first_prefill_s: PerMode, new_bucket_s: PerMode }),
  startup: z.object({
    weights_gib_per_s: z.number().positive(),
    dummy_load_s: z.number().nonnegative(),
    dynamo_s: PerMode,
    inductor_s: PerMode,
    autotune_s: PerMode,
    profile_s: z.number().nonnegative(),
    capture_s_per_size: z.number().nonnegative(),
    api_server_s: z.number().nonnegative(),
  }),
});
export type HardwareProfile = z.infer<typeof HardwareProfileSchema>;

export const DEFAULT_PROFILE = "glm-4.7-flash-awq-2x4090";
/** The YAML profiles stay in src/ (the compiled code in dist/ reads them from there). */
export const PROFILE_DIR = packagePath("src", "sim", "profiles");

export function listProfiles(): string[] {
  return readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""))
    .sort();
}

/** Loads a profile by name (from src/sim/profiles) or by path to a YAML file; throws one line naming the problem. */
export function loadHardwareProfile(nameOrPath: string = DEFAULT_PROFILE): HardwareProfile {
  const path = nameOrPath.endsWith(".yaml") || nameOrPath.includes("/") ? nameOrPath : join(PROFILE_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(path)) {
    throw new Error(`unknown hardware profile '${nameOrPath}' (known: ${listProfiles().join(", ")}; or a path to a .yaml file)`);
  }
  const parsed = HardwareProfileSchema.safeParse(parseYaml(readFileSync(path, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`hardware profile ${path}: field ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
