import { z } from "zod";
import { carriedText } from "./carried-text.ts";
import { ProxyError } from "./errors.ts";

// Lenient where Claude Code moves fast, strict where input is broken. Unknown fields anywhere are accepted and
// dropped (zod objects strip them); content blocks of types the proxy does not know become `other` blocks that
// keep their text, if they carry any. Known fields with the wrong JSON type are a 400 naming the field.
const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.object({ type: z.literal("url"), url: z.string() }),
]);
const imageBlock = z.object({ type: z.literal("image"), source: imageSource });
/** A block of a type this proxy does not know (document, search_result, server_tool_use, *_tool_result, future ones). */
const otherBlock = z.object({ type: z.literal("other"), kind: z.string(), text: z.string().optional() });

const KNOWN_BLOCK_TYPES = new Set(["text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking"]);

/** Unknown block types are rewritten to `other` before validation, so known ones keep precise error paths. */
function lenient<T extends z.ZodType>(union: T) {
  return z.preprocess((value) => {
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || KNOWN_BLOCK_TYPES.has(type)) return value;
    return { type: "other", kind: type, text: carriedText(value as Record<string, unknown>) };
  }, union);
}

const toolResultPart = lenient(z.discriminatedUnion("type", [textBlock, imageBlock, otherBlock]));
const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(toolResultPart)]).optional(),
  is_error: z.boolean().optional(),
});
const thinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

const contentBlock = lenient(
  z.discriminatedUnion("type", [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock, otherBlock]),
);
const content = z.union([z.string(), z.array(contentBlock)]);

/** `system` turns may sit anywhere in `messages` (Claude Code puts its agent and skill lists there). */
const message = z.object({ role: z.enum(["user", "assistant", "system"]), content });

const tool = z.object({
  name: z.string().min(1),
  type: z.string().optional(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});

const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);

/** Context edits: `clear_thinking_*` is applied (see context-edits.ts); any other kind is ignored. */
const contextEdit = z.object({ type: z.string(), keep: z.unknown().optional() });

const promptFields = {
  model: z.string().min(1),
  messages: z.array(message),
  system: z.union([z.string(), z.array(lenient(z.discriminatedUnion("type", [textBlock, otherBlock])))]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  // "enabled", "adaptive" or "disabled"; newer clients may add kinds, so any string is accepted.
  thinking: z.object({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
  output_config: z.object({ effort: z.string().optional() }).optional(),
  context_management: z.object({ edits: z.array(contextEdit).optional() }).optional(),
};

export const messagesRequestSchema = z.object({
  ...promptFields,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
});

export const countTokensRequestSchema = z.object(promptFields);

/** Top-level fields the proxy knows, used or deliberately ignored; any other is tolerated and logged. */
export const KNOWN_REQUEST_FIELDS = new Set([
  ...Object.keys(messagesRequestSchema.shape),
  "metadata",
  "service_tier",
  "container",
  "mcp_servers",
  "cache_control",
]);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type PromptRequest = CountTokensRequest & Partial<Pick<MessagesRequest, "max_tokens">>;
export type AnthropicMessage = MessagesRequest["messages"][number];
export type ContentBlock = z.infer<typeof contentBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type OtherBlock = z.infer<typeof otherBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;
export type AnthropicTool = z.infer<typeof tool>;
export type ToolChoice = z.infer<typeof toolChoice>;
export type ContextEdit = z.infer<typeof contextEdit>;

/** Validates a parsed body; a failure is a 400 naming the first offending field. */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ProxyError(400, "body: expected a JSON object");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = innermost(result.error.issues[0]);
  const field = issue.path.length ? issue.path.join(".") : "body";
  throw new ProxyError(400, `${field}: ${issue.message}`);
}

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/** For a union (string or blocks), the branch that got furthest names the field: `messages.0.content.1.text`, not `messages.0.content`. */
function innermost(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    if (!branch[0]) continue;
    const inner = innermost(branch[0]);
    if (!best || inner.path.length > best.path.length) best = inner;
  }
  return best ? { ...best, path: [...issue.path, ...best.path] } : issue;
}
