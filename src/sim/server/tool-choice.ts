import type { z } from "zod";
import type { Rng } from "../rng.ts";
import { randomHex } from "../rng.ts";
import { argumentsForSchema } from "../text/tool-args.ts";
import type { ToolCallPlan } from "../text/output-plan.ts";
import type { SimConfig } from "../config.ts";
import type { ToolChoiceSchema, ToolSchema } from "./schemas.ts";
import { vllmError } from "./http-io.ts";

type Tool = z.infer<typeof ToolSchema>;
type ToolChoice = z.infer<typeof ToolChoiceSchema>;

export interface ToolDecision {
  readonly call?: ToolCallPlan;
  /** A named tool_choice: vLLM then reports finish_reason "stop", not "tool_calls". */
  readonly named: boolean;
}

/** Probability that the simulated model calls a tool under tool_choice "auto" (lower right after a tool result). */
const AUTO_CALL_P = 0.5;
const AUTO_CALL_AFTER_RESULT_P = 0.3;

/**
 * Whether the simulated model calls a tool, and which: forced by "required" or a named tool, by chance under
 * "auto" (which, like vLLM, needs --enable-auto-tool-choice and --tool-call-parser), never under "none"; like
 * vLLM 0.32, "required" and named choices need --tool-call-parser.
 */
export function decideToolCall(config: SimConfig, tools: readonly Tool[] | null | undefined, choice: ToolChoice | null | undefined, lastRole: string | undefined, rng: Rng): ToolDecision {
  const list = tools ?? [];
  if (list.length === 0) {
    if (choice && choice !== "none" && choice !== "auto") throw vllmError(400, "When using `tool_choice`, `tools` must be set.");
    return { named: false };
  }
  const effective = choice ?? "auto";
  if (effective === "none") return { named: false };
  if (effective !== "auto" && !config.args.tool_call_parser) {
    // vLLM 0.32 (renderers/online_renderer.py): "required" and named choices need a tool parser too.
    const desc = effective === "required" ? '"required"' : `function "${effective.function.name}"`;
    throw vllmError(400, `tool_choice=${desc} requires --tool-call-parser to be set`);
  }
  if (effective === "auto") {
    if (!config.args.enable_auto_tool_choice || !config.args.tool_call_parser) {
      throw vllmError(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    }
    const p = lastRole === "tool" ? AUTO_CALL_AFTER_RESULT_P : AUTO_CALL_P;
    return rng() < p ? { call: planCall(list[Math.floor(rng() * list.length)], rng), named: false } : { named: false };
  }
  if (effective === "required") return { call: planCall(list[Math.floor(rng() * list.length)], rng), named: false };
  const tool = list.find((t) => t.function.name === effective.function.name);
  if (!tool) throw vllmError(400, `Tool '${effective.function.name}' has not been passed in \`tools\`.`);
  return { call: planCall(tool, rng), named: true };
}

function planCall(tool: Tool, rng: Rng): ToolCallPlan {
  return {
    id: `chatcmpl-tool-${randomHex(rng, 32)}`,
    name: tool.function.name,
    arguments: JSON.stringify(argumentsForSchema(tool.function.parameters ?? { type: "object" }, rng)),
  };
}
