import { z } from "zod";
import type { ParsedArgv } from "./argv/parse-argv.ts";

/** The `vllm serve` flags the simulator acts on, typed (the parser already converted every value). */
export const ServeArgsSchema = z.object({
  host: z.string().nullable(),
  port: z.number().int(),
  uvicorn_log_level: z.string(),
  disable_uvicorn_access_log: z.boolean(),
  api_key: z.array(z.string()).nullable(),
  served_model_name: z.array(z.string()).nullable(),
  enable_auto_tool_choice: z.boolean(),
  tool_call_parser: z.string().nullable(),
  reasoning_parser: z.string(),
  enable_prompt_tokens_details: z.boolean(),
  enable_force_include_usage: z.boolean(),
  enable_log_requests: z.boolean(),
  disable_log_stats: z.boolean(),
  dtype: z.string(),
  seed: z.number().int(),
  max_model_len: z.number().int().nullable(),
  quantization: z.string().nullable(),
  enforce_eager: z.boolean(),
  load_format: z.string(),
  pipeline_parallel_size: z.number().int(),
  tensor_parallel_size: z.number().int(),
  data_parallel_size: z.number().int(),
  enable_expert_parallel: z.boolean(),
  block_size: z.coerce.number().int().nullable(),
  gpu_memory_utilization: z.number(),
  kv_cache_dtype: z.string(),
  num_gpu_blocks_override: z.number().int().nullable(),
  enable_prefix_caching: z.boolean().nullable(),
  max_num_batched_tokens: z.number().int().nullable(),
  max_num_seqs: z.number().int().nullable(),
  enable_chunked_prefill: z.boolean().nullable(),
  compilation_config: z.record(z.string(), z.unknown()).nullable(),
  optimization_level: z.number().int(),
  time_scale: z.number(),
  startup_time_scale: z.number().nullable(),
  hardware: z.string(),
  fail_after_requests: z.number().int().nullable(),
  crash_at_startup: z.boolean(),
  sim_fault: z.enum(["none", "http-500", "close-mid-stream"]),
  sim_seed: z.number().int(),
});
export type ServeArgs = z.infer<typeof ServeArgsSchema>;

export function toServeArgs(parsed: ParsedArgv): ServeArgs {
  return ServeArgsSchema.parse(parsed.values);
}
