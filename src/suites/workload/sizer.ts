import { countChatTokens, countMessagesTokens } from "../../client/chat-tokens.ts";
import { apiOf } from "../send.ts";
import type { Target } from "../types.ts";
import { claudeCodeRequest, CLAUDE_CODE_TOOLS, type ClaudeCodeShape, type Filler } from "./claude-code.ts";
import { fitWords } from "./fit.ts";
import { toOpenAi } from "./to-openai.ts";
import type { MessagesRequest } from "./types.ts";

/**
 * Tokens of a request as the engine renders it: Anthropic requests by the server's count_tokens (its own
 * conversion), chat requests by the rendered template; a rough chars/4 estimate when neither is available.
 */
export async function requestTokens(target: Target, req: MessagesRequest): Promise<number> {
  if (apiOf(target) === "anthropic") {
    const { model, system, tools, messages, tool_choice } = req;
    const counted = await countMessagesTokens(target, { model, system, tools, messages, tool_choice });
    if (counted !== undefined) return counted;
  }
  const chat = toOpenAi(req);
  const counted = await countChatTokens(target, { messages: chat.messages, tools: chat.tools });
  return counted ?? Math.round(JSON.stringify(chat).length / 4);
}

/** Claude Code's proportions before any work (REFERENCE.md 3): tools ~73%, system ~20%, first user turn ~6%. */
const SHARE = { tools: 0.73, system: 0.2, reminder: 0.07 };

/**
 * Filler that makes the Claude-Code-shaped request (without history) exactly `tokens` long in the engine's
 * tokenizer. Below the size of the bare tool set, trailing tools are dropped (at least 3 are kept).
 */
export function sizeClaudeCode(target: Target, shape: Omit<ClaudeCodeShape, "filler">, tokens: number): Promise<{ filler: Filler; tokens: number }> {
  return sizeClaudeCodeWith((req) => requestTokens(target, req), shape, tokens);
}

/** sizeClaudeCode with any token counter (the engine's, or an offline estimate for synthesized traces). */
export async function sizeClaudeCodeWith(
  count: (req: MessagesRequest) => Promise<number>, shape: Omit<ClaudeCodeShape, "filler">, tokens: number,
): Promise<{ filler: Filler; tokens: number }> {
  const build = (f: Filler) => claudeCodeRequest({ ...shape, history: 0, filler: f });
  let filler: Filler = { tools: 0, system: 0, reminder: 0, toolCount: CLAUDE_CODE_TOOLS.length };
  let bare = await count(build(filler));
  if (bare > tokens * 0.8) {
    // Drop tools from the end by their estimated size, then count again.
    let excess = bare - tokens * 0.6;
    let kept = CLAUDE_CODE_TOOLS.length;
    while (kept > 3 && excess > 0) excess -= JSON.stringify(CLAUDE_CODE_TOOLS[--kept]).length / 4;
    filler = { ...filler, toolCount: kept };
    bare = await count(build(filler));
  }
  const need = Math.max(0, tokens - bare);
  filler = { ...filler, tools: Math.floor(need * SHARE.tools), reminder: Math.floor(need * SHARE.reminder) };
  const fixed = filler.tools + filler.reminder;
  const fit = await fitWords((n) => count(build({ ...filler, system: n })), tokens, need - fixed);
  return { filler: { ...filler, system: fit.words }, tokens: fit.tokens ?? (await count(build({ ...filler, system: fit.words }))) };
}
