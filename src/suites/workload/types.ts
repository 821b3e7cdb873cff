/** Anthropic Messages request shapes the workload generator produces (the subset Claude Code sends). */
export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: { type: "ephemeral" };
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}
export type Block = TextBlock | ToolUseBlock | ToolResultBlock;

export interface Message {
  role: "user" | "assistant";
  content: string | Block[];
}

export interface JsonSchema {
  type: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  additionalProperties?: boolean;
  minimum?: number;
  maximum?: number;
  $schema?: string;
}

export interface Tool {
  name: string;
  description: string;
  input_schema: JsonSchema;
}

export type ToolChoice = { type: "auto" | "any" | "none" } | { type: "tool"; name: string };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string | TextBlock[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
  messages: Message[];
  metadata?: { user_id: string };
  temperature?: number;
  /** Not Anthropic: vLLM and llama.cpp extension, to get a fixed output length. */
  ignore_eos?: boolean;
}
