import { AGENT_TOOLS } from "./tools-agent.ts";
import { FILE_TOOLS } from "./tools-files.ts";
import { fillerCode, fillerWords, hex, rng } from "./filler.ts";
import type { Block, Message, MessagesRequest, TextBlock, Tool } from "./types.ts";

/** Claude Code's tools, in the order it sends them (shell first). */
export const CLAUDE_CODE_TOOLS: Tool[] = [AGENT_TOOLS[0], ...FILE_TOOLS, ...AGENT_TOOLS.slice(1)];

/** Filler words per part, chosen by the sizer so the whole request has an exact token count. */
export interface Filler {
  tools: number;
  system: number;
  reminder: number;
  /** How many tools are sent (all of them unless the target size is too small). */
  toolCount: number;
}

export interface ClaudeCodeShape {
  model: string;
  /** Run salt: starts the system prompt, so different salts share no prefix beyond the billing block. */
  salt: string;
  filler: Filler;
  /** The user's question (last block of the first user turn). */
  question: string;
  /** Per-request billing hash (`cch=`): Claude Code sends one that changes per request. */
  cch?: string;
  /** Completed tool round trips before this request (the session grows by one per turn). */
  history?: number;
  /** Lines of tool output per round trip. */
  toolResultLines?: number;
  maxTokens: number;
  toolChoice?: MessagesRequest["tool_choice"];
}

function billingBlock(cch: string | undefined): TextBlock {
  return { type: "text", text: `x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;${cch ? ` cch=${cch};` : ""}` };
}

function system(s: ClaudeCodeShape): TextBlock[] {
  const cached = { type: "ephemeral" } as const;
  const instructions = [
    `Session ${s.salt}. You are an interactive CLI tool that helps users with software engineering tasks.`,
    "Use the instructions below and the tools available to you to assist the user.",
    "# Tone and style\nBe concise, direct and to the point. Answer in fewer than four lines unless the user asks for detail.",
    "# Doing tasks\nSearch the codebase to understand it, implement the solution with the tools, verify it with the project's tests, then run the lint and typecheck commands if they are known.",
    "# Tool usage policy\nBatch independent tool calls in one message. Prefer the dedicated file tools over shell commands.",
    `<env>\nWorking directory: /home/user/project-${s.salt}\nIs directory a git repo: Yes\nPlatform: linux\nToday's date: 2026-06-01\n</env>`,
    `# Project notes\n${fillerWords(s.filler.system, `${s.salt}/system`)}`,
  ].join("\n\n");
  return [
    billingBlock(s.cch),
    { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: cached },
    { type: "text", text: instructions, cache_control: cached },
  ];
}

function tools(s: ClaudeCodeShape): Tool[] {
  const chosen = CLAUDE_CODE_TOOLS.slice(0, s.filler.toolCount);
  const per = Math.floor(s.filler.tools / Math.max(1, chosen.length));
  const extra = s.filler.tools - per * chosen.length;
  return chosen.map((t, i) => {
    const words = per + (i < extra ? 1 : 0);
    return words ? { ...t, description: `${t.description}\n\nUsage notes: ${fillerWords(words, `${s.salt}/tool/${t.name}`)}` } : t;
  });
}

function firstTurn(s: ClaudeCodeShape): Message {
  const blocks: Block[] = [
    { type: "text", text: `<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\n${fillerWords(s.filler.reminder, `${s.salt}/reminder`)}\n</system-reminder>` },
    { type: "text", text: "<system-reminder>\nThe todo list is empty. Use the TodoWrite tool if the task has several steps.\n</system-reminder>" },
    { type: "text", text: "<system-reminder>\nThis is a reminder that your todo list is currently empty. Do not mention this to the user.\n</system-reminder>" },
    { type: "text", text: s.question },
  ];
  return { role: "user", content: blocks };
}

const ROUND_TRIP_TOOLS = ["Grep", "Read", "Bash", "Edit", "Glob", "Read"] as const;

/** One tool round trip of the replayed session: the assistant calls a tool, the user turn carries its result. */
function roundTrip(s: ClaudeCodeShape, turn: number): Message[] {
  const next = rng(`${s.salt}/turn/${turn}`);
  const id = `toolu_${hex(next, 24)}`;
  const name = ROUND_TRIP_TOOLS[turn % ROUND_TRIP_TOOLS.length];
  const path = `/home/user/project-${s.salt}/src/module_${turn}.ts`;
  const input: Record<string, unknown> = name === "Bash" ? { command: "npm test -- --run", description: "Run the test suite" }
    : name === "Grep" ? { pattern: `function\\s+step${turn}`, output_mode: "content", "-n": true }
    : name === "Glob" ? { pattern: "src/**/*.ts" }
    : name === "Edit" ? { file_path: path, old_string: `step${turn}(a)`, new_string: `step${turn}(a, b)` }
    : { file_path: path };
  return [
    { role: "assistant", content: [{ type: "text", text: `Let me look at step ${turn}.` }, { type: "tool_use", id, name, input }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: fillerCode(s.toolResultLines ?? 40, `${s.salt}/result/${turn}`) }] },
  ];
}

/** A Claude-Code-shaped Messages request: 3-block system, the tool set, first turn with reminders, then history. */
export function claudeCodeRequest(s: ClaudeCodeShape): MessagesRequest {
  const messages: Message[] = [firstTurn(s)];
  for (let turn = 1; turn <= (s.history ?? 0); turn++) messages.push(...roundTrip(s, turn));
  return {
    model: s.model,
    max_tokens: s.maxTokens,
    system: system(s),
    tools: tools(s),
    ...(s.toolChoice ? { tool_choice: s.toolChoice } : {}),
    messages,
    metadata: { user_id: JSON.stringify({ device_id: hex(rng(s.salt), 64), session_id: s.salt }) },
  };
}

/** A question of a fixed number of single-token words, different per seed (so its token count stays the same). */
export function question(seed: string, words = 24): string {
  return `Question: ${fillerWords(words, `question/${seed}`)}?`;
}
