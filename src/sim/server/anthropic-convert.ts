import type { AnthropicRequest } from "./schemas.ts";
import { ChatRequestSchema, type ChatRequest } from "./schemas.ts";

type Block = Record<string, unknown> & { type: string };

/** Anthropic Messages -> the chat request vLLM builds from it (vllm/entrypoints/anthropic/serving.py). */
export function anthropicToChat(request: AnthropicRequest, stream: boolean): ChatRequest {
  const messages: Array<Record<string, unknown>> = [];
  const system: string[] = [];
  const addSystem = (content: string | Block[]) => {
    if (typeof content === "string") return void system.push(content);
    for (const b of content) {
      if (b.type === "text" && typeof b.text === "string" && b.text && !b.text.startsWith("x-anthropic-billing-header")) system.push(b.text);
    }
  };
  if (request.system) addSystem(request.system as string | Block[]);
  for (const m of request.messages) if (m.role === "system") addSystem(m.content as string | Block[]);
  if (system.length > 0) messages.push({ role: "system", content: system.join("") });

  for (const m of request.messages) {
    if (m.role === "system") continue;
    if (typeof m.content === "string") {
      messages.push({ role: m.role, content: m.content });
      continue;
    }
    const parts: Array<Record<string, unknown>> = [];
    const toolCalls: Array<Record<string, unknown>> = [];
    for (const b of m.content as Block[]) {
      if (b.type === "text" && b.text) parts.push({ type: "text", text: b.text });
      else if (b.type === "image") parts.push({ type: "image_url", image_url: { url: "data:image" } });
      else if (b.type === "tool_use") toolCalls.push({ id: b.id ?? "", type: "function", function: { name: b.name ?? "", arguments: JSON.stringify(b.input ?? {}) } });
      else if (b.type === "tool_result") {
        if (m.role === "user") messages.push({ role: "tool", tool_call_id: b.tool_use_id ?? "", content: toolResultText(b.content) });
        else parts.push({ type: "text", text: `Tool result: ${toolResultText(b.content)}` });
      }
    }
    const msg: Record<string, unknown> = { role: m.role };
    if (toolCalls.length > 0) msg.tool_calls = toolCalls;
    if (parts.length > 0) msg.content = parts.length === 1 ? parts[0].text : parts;
    if (!(m.role === "user" && msg.content === undefined)) messages.push(msg);
  }

  const tools = request.tools?.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  const choice = request.tool_choice;
  const toolChoice = !choice ? (tools ? "auto" : undefined) : choice.type === "any" ? "required" : choice.type === "tool" ? { type: "function", function: { name: choice.name ?? "" } } : choice.type;
  return ChatRequestSchema.parse({
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
    stop: request.stop_sequences ?? undefined,
    stream,
    tools,
    tool_choice: toolChoice,
    chat_template_kwargs: request.chat_template_kwargs ?? undefined,
  });
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((c): c is { type: string; text: string } => typeof c === "object" && c !== null && (c as Block).type === "text")
    .map((c) => c.text)
    .join("\n");
}
