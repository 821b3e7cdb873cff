import { CLAUDE_CODE_TOOLS } from "../../suites/workload/claude-code.ts";
import { fillerWords, hex, rng } from "../../suites/workload/filler.ts";
import type { Message, MessagesRequest } from "../../suites/workload/types.ts";
import { estimateTokens } from "./estimate.ts";

/** Tools a Claude Code sub-agent gets: the file and shell tools, no Agent (sub-agents do not spawn sub-agents). */
const SUBAGENT_TOOLS = new Set(["Bash", "Glob", "Grep", "Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "WebFetch", "WebSearch", "TodoWrite"]);

export interface SubagentShape {
  model: string;
  salt: string;
  /** The prompt of the Agent call: the sub-agent's first user turn. */
  task: string;
  /** About this many tokens before any history (system prompt notes fill the rest). */
  promptTokens: number;
  history: Message[];
}

/** A sub-agent's request: its own system prompt and tool subset, the task as first user turn, then its history. */
export function subagentRequest(s: SubagentShape): MessagesRequest & { stream: boolean } {
  const build = (notes: number): MessagesRequest & { stream: boolean } => ({
    model: s.model,
    max_tokens: 32_000,
    stream: true,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;" },
      { type: "text", text: "You are an agent for Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } },
      {
        type: "text",
        text: `Given the user's message, use the tools available to complete the task. Do what has been asked; nothing more, nothing less. When you are done, reply with a concise report.\n\n<env>\nWorking directory: /home/user/project-${s.salt}\nPlatform: linux\n</env>\n\n# Notes\n${fillerWords(notes, `${s.salt}/agent-notes`)}`,
        cache_control: { type: "ephemeral" },
      },
    ],
    tools: CLAUDE_CODE_TOOLS.filter((t) => SUBAGENT_TOOLS.has(t.name)),
    messages: [{ role: "user", content: s.task }, ...s.history],
    metadata: { user_id: JSON.stringify({ device_id: hex(rng(s.salt), 64), session_id: s.salt }) },
  });
  const bare = estimateTokens({ ...build(0), messages: [{ role: "user", content: s.task }] });
  return build(Math.max(0, Math.round((s.promptTokens - bare) / 1.1)));
}
