import { fillerCode, fillerWords, hex, rng } from "../../suites/workload/filler.ts";
import type { Message, ToolUseBlock } from "../../suites/workload/types.ts";

/** One tool call of a synthesized turn and the lines of output its result carries. */
export interface Call {
  name: string;
  lines: number;
}

const TOOL_INPUTS: Record<string, (path: string, turn: number) => Record<string, unknown>> = {
  Bash: () => ({ command: "npm test -- --run", description: "Run the test suite" }),
  Grep: (_p, turn) => ({ pattern: `function\\s+step${turn}`, output_mode: "content", "-n": true }),
  Glob: () => ({ pattern: "src/**/*.ts" }),
  Edit: (path, turn) => ({ file_path: path, old_string: `step${turn}(a)`, new_string: `step${turn}(a, b)` }),
  Read: (path) => ({ file_path: path }),
};

/**
 * One round trip of a Claude Code agent loop: the assistant's message (a line of text and its tool calls, as
 * the model produced it) and the user turn carrying every tool result, in call order.
 */
export function roundTrip(seed: string, turn: number, calls: Call[]): Message[] {
  const next = rng(`${seed}/turn/${turn}`);
  const uses: ToolUseBlock[] = calls.map((c, i) => ({
    type: "tool_use", id: `toolu_${hex(next, 24)}`, name: c.name,
    input: (TOOL_INPUTS[c.name] ?? TOOL_INPUTS.Read)(`/home/user/project-${seed}/src/module_${turn}_${i}.ts`, turn),
  }));
  return [
    { role: "assistant", content: [{ type: "text", text: `Step ${turn}: ${fillerWords(12, `${seed}/say/${turn}`)}.` }, ...uses] },
    { role: "user", content: uses.map((u, i) => ({ type: "tool_result", tool_use_id: u.id, content: fillerCode(calls[i].lines, `${seed}/result/${turn}/${i}`) })) },
  ];
}

/** The turn in which the main agent launches sub-agents: one Agent (formerly Task) call per child, run in the background. */
export function agentRoundTrip(seed: string, turn: number, agentTool: string, tasks: string[]): Message[] {
  const next = rng(`${seed}/agents/${turn}`);
  const uses: ToolUseBlock[] = tasks.map((prompt, i) => ({
    type: "tool_use", id: `toolu_${hex(next, 24)}`, name: agentTool,
    input: { description: `Explore part ${i + 1}`, prompt, subagent_type: "Explore", run_in_background: true },
  }));
  return [
    { role: "assistant", content: [{ type: "text", text: `I will explore ${tasks.length} parts of the code base in parallel.` }, ...uses] },
    { role: "user", content: uses.map((u, i) => ({ type: "tool_result", tool_use_id: u.id, content: `Agent ${i + 1} launched in the background (id agent_${hex(next, 8)}); its result will arrive when it finishes.` })) },
  ];
}

export const ROUND_TRIP_TOOLS = ["Grep", "Read", "Bash", "Edit", "Glob", "Read"];
