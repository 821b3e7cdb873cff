import { randomBytes } from "node:crypto";
import { newSalt } from "./prompt.ts";
import type { SuiteContext } from "./types.ts";
import { claudeCodeRequest, question, type ClaudeCodeShape, type Filler } from "./workload/claude-code.ts";
import { requestTokens, sizeClaudeCode } from "./workload/sizer.ts";
import type { MessagesRequest } from "./workload/types.ts";

/** A sized Claude-Code-shaped conversation: one salt, filler fitted to the token target, requests built on demand. */
export interface SizedSession {
  salt: string;
  filler: Filler;
  tokens: number;
  /** The request as sized (its first question), with any history or overrides. */
  request(overrides?: Partial<ClaudeCodeShape>): MessagesRequest;
  /**
   * The same prefix with a new question (seeded by `seed`) and overrides (e.g. a new cch), still exactly
   * `tokens` long: the question's length is adjusted, since a new hash or question may tokenize differently.
   */
  exact(seed: string, overrides?: Partial<ClaudeCodeShape>): Promise<MessagesRequest>;
}

const QUESTION_WORDS = 24;

export async function sizedSession(
  ctx: SuiteContext, tokens: number, base: Partial<ClaudeCodeShape> & { maxTokens: number },
  { salt = newSalt(), ignoreEos = true }: { salt?: string; ignoreEos?: boolean } = {},
): Promise<SizedSession> {
  const shape = { model: ctx.target.model, salt, question: question(`${salt}/0`, QUESTION_WORDS), ...base };
  const sized = await sizeClaudeCode(ctx.target, shape, tokens);
  const build = (overrides: Partial<ClaudeCodeShape>) => {
    const req = claudeCodeRequest({ ...shape, filler: sized.filler, ...overrides });
    // A fixed output length, so decode time does not vary with what the model happens to say.
    return ignoreEos ? { ...req, ignore_eos: true } : req;
  };
  return {
    salt,
    filler: sized.filler,
    tokens: sized.tokens,
    request: (overrides = {}) => build(overrides),
    async exact(seed, overrides = {}) {
      let words = QUESTION_WORDS;
      let req = build({ ...overrides, question: question(seed, words) });
      for (let i = 0; i < 3; i++) {
        const diff = sized.tokens - (await requestTokens(ctx.target, req));
        if (diff === 0 || words + diff < 1) break;
        words += diff;
        req = build({ ...overrides, question: question(seed, words) });
      }
      return req;
    },
  };
}

/** Claude Code's per-request billing hash: 5 hex digits. */
export function newCch(): string {
  return randomBytes(3).toString("hex").slice(0, 5);
}
