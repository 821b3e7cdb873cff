import { countChatTokens, countTokens } from "../client/chat-tokens.ts";
import type { RequestRecord } from "../client/types.ts";
import type { Target } from "./types.ts";
import { toOpenAi } from "./workload/to-openai.ts";
import type { MessagesRequest } from "./workload/types.ts";

/**
 * A successful request whose server sent no usage gets its token counts from the engine's own tokenizer
 * (REFERENCE.md section 5: retokenize only as a fallback), flagged `tokensSource: "tokenizer"`. Where the engine
 * has no tokenizer endpoint the counts stay undefined: an empty cell, never a zero that ranks as a measurement.
 */
export async function countMissingUsage(target: Target, req: MessagesRequest, record: RequestRecord): Promise<RequestRecord> {
  if (!record.ok || record.outputTokens !== undefined || !target.capabilities.tokenize) return record;
  const generated = [record.text ?? "", ...(record.toolCalls ?? []).map((c) => `${c.name}${c.arguments}`)].join("");
  const output = await countTokens(target, generated).catch(() => undefined);
  if (output === undefined) return record;
  record.outputTokens = output;
  record.tokensSource = "tokenizer";
  if (record.promptTokens === undefined) {
    const chat = toOpenAi(req) as unknown as { messages: unknown[]; tools?: unknown[] };
    record.promptTokens = await countChatTokens(target, chat).catch(() => undefined);
  }
  return record;
}
