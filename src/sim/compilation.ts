import { z } from "zod";
import type { ServeArgs } from "./serve-args.ts";
import type { VllmEnv } from "./env.ts";

/** vLLM's compilation config as the simulator needs it: what is compiled, which CUDA graphs, what is autotuned. */
const CUDAGRAPH_MODES = ["NONE", "PIECEWISE", "FULL", "FULL_DECODE_ONLY", "FULL_AND_PIECEWISE"] as const;
export type CudagraphMode = (typeof CUDAGRAPH_MODES)[number];

const CompilationConfigSchema = z.looseObject({
  mode: z.coerce.number().int().min(0).max(3).optional(),
  level: z.coerce.number().int().min(0).max(3).optional(),
  cudagraph_mode: z.enum(CUDAGRAPH_MODES).optional(),
  cudagraph_capture_sizes: z.array(z.number().int().positive()).optional(),
  max_cudagraph_capture_size: z.number().int().positive().optional(),
  compile_sizes: z.array(z.union([z.number().int().positive(), z.literal("cudagraph_capture_sizes")])).optional(),
  inductor_compile_config: z.looseObject({ max_autotune: z.boolean().optional(), coordinate_descent_tuning: z.boolean().optional() }).optional(),
});

export interface Compilation {
  /** 0 none, 3 vLLM's torch.compile (inductor). */
  readonly mode: number;
  readonly cudagraphMode: CudagraphMode;
  /** Set when the requested mode needs full graphs the attention backend cannot capture. */
  readonly cudagraphFallbackFrom?: CudagraphMode;
  readonly captureSizes: readonly number[];
  /** Batch sizes compiled for a single size, where Inductor autotune applies. */
  readonly compileSizes: readonly number[];
  /** 0 (off) .. 1 (max_autotune and coordinate descent on compile_sizes). */
  readonly autotuneStrength: number;
  readonly eager: boolean;
}

export function resolveCompilation(args: ServeArgs, env: VllmEnv, maxNumSeqs: number, supportsFull: boolean): Compilation {
  const parsed = CompilationConfigSchema.safeParse(args.compilation_config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`pydantic_core._pydantic_core.ValidationError: 1 validation error for CompilationConfig\n${issue.path.join(".")}\n  ${issue.message}`);
  }
  const cc = parsed.data;
  const level = args.optimization_level;
  const eager = args.enforce_eager || (level === 0 && cc.mode === undefined && cc.cudagraph_mode === undefined);
  const mode = eager ? 0 : (cc.mode ?? cc.level ?? 3);
  const requested: CudagraphMode = eager ? "NONE" : (cc.cudagraph_mode ?? (level === 1 ? "PIECEWISE" : "FULL_AND_PIECEWISE"));
  const needsFull = requested.startsWith("FULL");
  const cudagraphMode: CudagraphMode = needsFull && !supportsFull ? "PIECEWISE" : requested;
  const maxCapture = cc.max_cudagraph_capture_size ?? Math.min(maxNumSeqs * 2, 512);
  const captureSizes = cudagraphMode === "NONE" ? [] : (cc.cudagraph_capture_sizes ?? defaultCaptureSizes(maxCapture));
  const compileSizes = mode === 3 ? (cc.compile_sizes ?? []).flatMap((s) => (s === "cudagraph_capture_sizes" ? captureSizes : [s])) : [];
  const inductor = cc.inductor_compile_config ?? {};
  const maxAutotune = inductor.max_autotune ?? env.VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE;
  const coordinateDescent = inductor.coordinate_descent_tuning ?? env.VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING;
  const autotuneStrength = compileSizes.length === 0 ? 0 : (maxAutotune ? 0.8 : 0) + (coordinateDescent ? 0.2 : 0);
  return {
    mode,
    cudagraphMode,
    cudagraphFallbackFrom: cudagraphMode !== requested ? requested : undefined,
    captureSizes,
    compileSizes: [...new Set(compileSizes)].sort((a, b) => a - b),
    autotuneStrength,
    eager,
  };
}

/** vLLM's default capture sizes: 1, 2, 4, then multiples of 8 below 256, then multiples of 16, up to the max. */
function defaultCaptureSizes(max: number): number[] {
  const sizes = [1, 2, 4];
  for (let s = 8; s < 256; s += 8) sizes.push(s);
  for (let s = 256; s <= 512; s += 16) sizes.push(s);
  return sizes.filter((s) => s <= max);
}
