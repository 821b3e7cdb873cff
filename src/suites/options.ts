import { z } from "zod";
import { badInput } from "../errors.ts";
import { isSuiteClientParam, type SuiteClientParam } from "../grid/params.ts";
import type { ParamValue } from "../grid/schema.ts";
import type { Suite, SuiteContext } from "./types.ts";

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

/** clientParams for parameters that set the option of the same name. */
export function sameNamed(...names: SuiteClientParam[]): Suite["clientParams"] {
  return Object.fromEntries(names.map((name) => [name, (value: ParamValue) => ({ [name]: value })]));
}

/** The options a point's client-level parameters set for this suite (`path` is the lab's, not the suite's). */
export function clientOverrides(suite: Pick<Suite, "kind" | "clientParams">, client: Record<string, ParamValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(client)) {
    if (!isSuiteClientParam(name)) continue;
    const set = suite.clientParams[name];
    if (!set) throw badInput(`suite '${suite.kind}' does not honour client parameter '${name}'`, `it honours: ${Object.keys(suite.clientParams).join(", ") || "none"}`);
    Object.assign(out, set(value));
  }
  return out;
}
