import { z } from "zod";

/** Request bodies, as loose as vLLM's pydantic models (unknown fields accepted and ignored). */
const Stop = z.union([z.string(), z.array(z.string())]).nullish();
const StreamOptions = z.looseObject({ include_usage: z.boolean().nullish(), continuous_usage_stats: z.boolean().nullish() }).nullish();

export const ToolSchema = z.looseObject({
  type: z.literal("function").default("function"),
  function: z.looseObject({ name: z.string(), description: z.string().nullish(), parameters: z.record(z.string(), z.unknown()).nullish() }),
});

export const ToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
]);

const Sampling = {
  max_tokens: z.number().int().nullish(),
  min_tokens: z.number().int().nonnegative().default(0),
  stop: Stop,
  ignore_eos: z.boolean().default(false),
  seed: z.number().int().nullish(),
  n: z.number().int().default(1),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions,
};

export const ChatMessageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  tool_calls: z.array(z.looseObject({ id: z.string().optional(), function: z.looseObject({ name: z.string(), arguments: z.string() }) })).nullish(),
});

export const ChatRequestSchema = z.looseObject({
  model: z.string().nullish(),
  messages: z.array(ChatMessageSchema),
  max_completion_tokens: z.number().int().nullish(),
  tools: z.array(ToolSchema).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  add_generation_prompt: z.boolean().default(true),
  ...Sampling,
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const CompletionRequestSchema = z.looseObject({
  model: z.string().nullish(),
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]),
  ...Sampling,
  max_tokens: z.number().int().nullish().default(16),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

export const TokenizePromptSchema = z.looseObject({ model: z.string().nullish(), prompt: z.string(), add_special_tokens: z.boolean().default(true) });
export const TokenizeChatSchema = z.looseObject({
  model: z.string().nullish(),
  messages: z.array(ChatMessageSchema),
  add_generation_prompt: z.boolean().default(true),
  tools: z.array(ToolSchema).nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
});

export const DetokenizeRequestSchema = z.looseObject({ model: z.string().nullish(), tokens: z.array(z.number().int()) });

const AnthropicBlock = z.looseObject({ type: z.string() });
export const AnthropicRequestSchema = z.looseObject({
  model: z.string(),
  max_tokens: z.number().int(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(AnthropicBlock)]) })),
  system: z.union([z.string(), z.array(AnthropicBlock)]).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(z.looseObject({ name: z.string(), description: z.string().nullish(), input_schema: z.record(z.string(), z.unknown()).nullish() })).nullish(),
  tool_choice: z.looseObject({ type: z.enum(["auto", "any", "tool", "none"]), name: z.string().nullish() }).nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.unknown().optional(),
});
export type AnthropicRequest = z.infer<typeof AnthropicRequestSchema>;
export const AnthropicCountSchema = AnthropicRequestSchema.extend({ max_tokens: z.number().int().nullish() });
