import { z } from "zod";
import type { SuiteContext } from "./types.ts";

/** User SLOs for goodput: a request is good when it meets every limit given. */
export const SloOption = z.strictObject({
  ttft_ms: z.number().positive().optional(),
  tpot_ms: z.number().positive().optional(),
  e2el_ms: z.number().positive().optional(),
});

/** Options every measuring suite takes. */
export const commonOptions = {
  /** Overrides the grid's top-level `repetitions` for this suite (bench run --repetitions overrides both). */
  repetitions: z.number().int().positive().optional(),
  slo: SloOption.optional(),
  /** Drop the engine's prefix cache before each scenario where the engine allows it. */
  reset_cache: z.boolean().default(true),
};

export function repetitionsOf(ctx: SuiteContext, opts: { repetitions?: number }): number {
  return opts.repetitions ?? ctx.repetitions;
}

/** Client-level grid parameters (e.g. `concurrency`) override the suite option of the same name. */
export function fromClient(ctx: SuiteContext, name: string): number | undefined {
  const v = ctx.client[name];
  return typeof v === "number" ? v : undefined;
}
