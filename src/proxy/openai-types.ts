/** The slice of the OpenAI chat-completions protocol that vLLM and llama-server speak and the proxy uses. */
export type ChatContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | ChatContentPart[] }
  | { role: "assistant"; content: string; reasoning_content?: string; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export type ChatToolChoice = "auto" | "required" | "none" | { type: "function"; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: { type: "function"; function: { name: string; description?: string; parameters: unknown } }[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  chat_template_kwargs?: { enable_thinking: boolean };
  reasoning_effort?: string;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export interface ChatToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  choices?: {
    delta?: {
      content?: string | null;
      reasoning?: string | null;
      reasoning_content?: string | null;
      tool_calls?: ChatToolCallDelta[] | null;
    };
    finish_reason?: string | null;
    /** vLLM: the matched stop string (or token id) when finish_reason is "stop". */
    stop_reason?: string | number | null;
  }[];
  usage?: ChatUsage | null;
  error?: { message?: string; type?: string; code?: number | string };
}

export interface ChatCompletion {
  choices: {
    message: {
      content?: string | null;
      reasoning?: string | null;
      reasoning_content?: string | null;
      tool_calls?: { id?: string; function: { name: string; arguments?: string } }[] | null;
    };
    finish_reason?: string | null;
    stop_reason?: string | number | null;
  }[];
  usage?: ChatUsage | null;
}
