import type { AnthropicTool, OtherBlock, PromptRequest, ToolChoice } from "./anthropic-schema.ts";
import { thinkingKeptFrom } from "./context-edits.ts";
import type { ChatRequest, ChatToolChoice } from "./openai-types.ts";
import { foldSystemMessages, type SystemMessageMode } from "./system-messages.ts";
import { flattenSystem } from "./system-prompt.ts";
import { reasoningEffort, type EngineKind } from "./thinking.ts";
import { translateMessages } from "./translate-messages.ts";

export interface TranslateOptions {
  /** The served model name the request goes to. */
  model: string;
  /** Whether reasoning is wanted from the engine (see thinking.ts). */
  thinking: boolean;
  stream: boolean;
  /** Which reasoning controls the engine takes (`reasoning_effort` is vLLM's only). */
  engine: EngineKind;
  /** How mid-conversation system messages reach the engine. */
  systemMessages: SystemMessageMode;
  /** Told about every content block of an unknown type. */
  onOther?: (block: OtherBlock) => void;
}

/** Anthropic request -> OpenAI chat request, keys in a fixed order (identical turns give identical bytes). */
export function translateRequest(request: PromptRequest & Partial<SamplingFields>, options: TranslateOptions): ChatRequest {
  const turns = options.systemMessages === "fold" ? foldSystemMessages(request.messages) : request.messages;
  const thinkingFrom = options.thinking ? thinkingKeptFrom(turns, request.context_management?.edits) : Infinity;
  const messages = translateMessages(turns, { thinkingFrom, onOther: options.onOther });
  const system = flattenSystem(request.system, options.onOther);
  if (system !== undefined) messages.unshift({ role: "system", content: system });
  const chat: ChatRequest = { model: options.model, messages };
  const tools = translateTools(request.tools);
  if (tools.length) {
    chat.tools = tools;
    if (request.tool_choice) {
      chat.tool_choice = translateToolChoice(request.tool_choice);
      if ("disable_parallel_tool_use" in request.tool_choice && request.tool_choice.disable_parallel_tool_use) {
        chat.parallel_tool_calls = false;
      }
    }
  }
  if (request.max_tokens !== undefined) chat.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.top_k !== undefined) chat.top_k = request.top_k;
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  chat.stream = options.stream;
  if (options.stream) chat.stream_options = { include_usage: true };
  chat.chat_template_kwargs = { enable_thinking: options.thinking };
  const effort = reasoningEffort(request, options.thinking, options.engine);
  if (effort) chat.reasoning_effort = effort;
  return chat;
}

interface SamplingFields {
  temperature: number;
  top_p: number;
  top_k: number;
  stop_sequences: string[];
}

/** Client tools become functions; server tools (typed, without input_schema) cannot run locally and are left out. */
function translateTools(tools: AnthropicTool[] | undefined): NonNullable<ChatRequest["tools"]> {
  if (!tools) return [];
  const out: NonNullable<ChatRequest["tools"]> = [];
  for (const tool of tools) {
    if (!tool.input_schema && tool.type !== undefined && tool.type !== "custom") continue;
    const parameters = tool.input_schema ?? { type: "object", properties: {} };
    const fn =
      tool.description === undefined
        ? { name: tool.name, parameters }
        : { name: tool.name, description: tool.description, parameters };
    out.push({ type: "function", function: fn });
  }
  return out;
}

export function translateToolChoice(choice: ToolChoice): ChatToolChoice {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: choice.name } };
  }
}
