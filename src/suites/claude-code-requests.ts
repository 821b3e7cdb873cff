import { randomBytes } from "node:crypto";
import { newSalt } from "./prompt.ts";
import type { SuiteContext } from "./types.ts";
import { claudeCodeRequest, question, type ClaudeCodeShape, type Filler } from "./workload/claude-code.ts";
import { sizeClaudeCode } from "./workload/sizer.ts";
import type { MessagesRequest } from "./workload/types.ts";

/** A sized Claude-Code-shaped conversation: one salt, filler fitted to the token target, requests built on demand. */
export interface SizedSession {
  salt: string;
  filler: Filler;
  tokens: number;
  request(overrides?: Partial<ClaudeCodeShape>): MessagesRequest;
}

export async function sizedSession(
  ctx: SuiteContext, tokens: number, base: Partial<ClaudeCodeShape> & { maxTokens: number },
  { salt = newSalt(), ignoreEos = true }: { salt?: string; ignoreEos?: boolean } = {},
): Promise<SizedSession> {
  const shape = { model: ctx.target.model, salt, question: question(`${salt}/0`), ...base };
  const sized = await sizeClaudeCode(ctx.target, shape, tokens);
  return {
    salt,
    filler: sized.filler,
    tokens: sized.tokens,
    request(overrides = {}) {
      const req = claudeCodeRequest({ ...shape, filler: sized.filler, ...overrides });
      // A fixed output length, so decode time does not vary with what the model happens to say.
      return ignoreEos ? { ...req, ignore_eos: true } : req;
    },
  };
}

/** Claude Code's per-request billing hash: 5 hex digits. */
export function newCch(): string {
  return randomBytes(3).toString("hex").slice(0, 5);
}
