import { z } from "zod";
import { ProxyError } from "./errors.ts";

// Unknown fields (cache_control, context_management, metadata, output_config extras...) are accepted and
// dropped: zod objects strip them, and only the fields below shape the upstream request.
const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.object({ type: z.literal("url"), url: z.string() }),
]);
const imageBlock = z.object({ type: z.literal("image"), source: imageSource });
const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
const thinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

const message = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock)]),
});

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

const promptFields = {
  model: z.string().min(1),
  messages: z.array(message),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  // "enabled", "adaptive" or "disabled"; newer clients may add kinds, so any string is accepted.
  thinking: z.object({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
  output_config: z.object({ effort: z.string().optional() }).optional(),
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

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type PromptRequest = CountTokensRequest & Partial<Pick<MessagesRequest, "max_tokens">>;
export type ContentBlock = z.infer<typeof contentBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;
export type AnthropicTool = z.infer<typeof tool>;
export type ToolChoice = z.infer<typeof toolChoice>;

/** Validates a parsed body; a failure is a 400 naming the first offending field. */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join(".") : "body";
  throw new ProxyError(400, `${field}: ${issue.message}`);
}
