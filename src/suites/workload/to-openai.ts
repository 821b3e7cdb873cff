import type { Message, MessagesRequest, TextBlock, ToolChoice } from "./types.ts";

export interface ChatRequest {
  model: string;
  messages: Array<Record<string, unknown>>;
  max_tokens: number;
  tools?: Array<{ type: "function"; function: { name: string; description: string; parameters: unknown } }>;
  tool_choice?: string | { type: "function"; function: { name: string } };
  temperature?: number;
  ignore_eos?: boolean;
}

function systemText(system: MessagesRequest["system"]): string | undefined {
  if (system === undefined) return undefined;
  return typeof system === "string" ? system : system.map((b) => b.text).join("\n\n");
}

function toolChoice(choice: ToolChoice): ChatRequest["tool_choice"] {
  if (choice.type === "tool") return { type: "function", function: { name: choice.name } };
  return choice.type === "any" ? "required" : choice.type;
}

/** One Anthropic message as OpenAI messages: tool results become `tool` messages, before that turn's text. */
function convertMessage(m: Message): Array<Record<string, unknown>> {
  if (typeof m.content === "string") return [{ role: m.role, content: m.content }];
  const text = m.content.filter((b): b is TextBlock => b.type === "text").map((b) => b.text).join("\n\n");
  if (m.role === "assistant") {
    const calls = m.content.flatMap((b) =>
      b.type === "tool_use" ? [{ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input) } }] : [],
    );
    return [{ role: "assistant", content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  const out: Array<Record<string, unknown>> = m.content.flatMap((b) =>
    b.type === "tool_result" ? [{ role: "tool", tool_call_id: b.tool_use_id, content: b.content }] : [],
  );
  if (text) out.push({ role: "user", content: text });
  return out;
}

/** The OpenAI chat equivalent of an Anthropic request, as a faithful proxy would translate it (billing block kept). */
export function toOpenAi(req: MessagesRequest): ChatRequest {
  const system = systemText(req.system);
  const out: ChatRequest = {
    model: req.model,
    messages: [...(system === undefined ? [] : [{ role: "system", content: system }]), ...req.messages.flatMap(convertMessage)],
    max_tokens: req.max_tokens,
  };
  if (req.tools?.length) {
    out.tools = req.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  }
  if (req.tool_choice) out.tool_choice = toolChoice(req.tool_choice);
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.ignore_eos) out.ignore_eos = true;
  return out;
}
