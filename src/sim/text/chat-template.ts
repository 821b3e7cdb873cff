/**
 * The simulator's chat template (GLM-4 style, simplified). prompt_tokens of a chat request are the tokens of this
 * text, and /tokenize with `messages` renders the same text, so counts always agree.
 */
export interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly tool_calls?: ReadonlyArray<{ readonly function: { readonly name: string; readonly arguments: string } }>;
}

export interface RenderOptions {
  readonly tools?: readonly unknown[];
  readonly addGenerationPrompt: boolean;
  readonly enableThinking: boolean;
}

/** Text of OpenAI content: a string, or parts whose text is joined (images become a placeholder). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => {
      const p = part as { type?: string; text?: unknown };
      if (p.type === "text" && typeof p.text === "string") return p.text;
      if (p.type === "image_url" || p.type === "image") return "<|begin_of_image|><|image|><|end_of_image|>";
      return "";
    })
    .join("");
}

export function renderChat(messages: readonly ChatMessage[], opts: RenderOptions): string {
  let out = "[gMASK]<sop>";
  if (opts.tools && opts.tools.length > 0) {
    out += "<|system|>\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n";
    out += "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n";
    out += opts.tools.map((t) => JSON.stringify(t)).join("\n");
    out += "\n</tools>\n\nFor each function call, output the function name and arguments within <tool_call></tool_call> XML tags.";
  }
  for (const m of messages) {
    const text = contentText(m.content);
    switch (m.role) {
      case "system":
      case "developer":
        out += `<|system|>\n${text}`;
        break;
      case "assistant":
        out += `<|assistant|>\n<think></think>${text}`;
        for (const call of m.tool_calls ?? []) out += `\n<tool_call>${call.function.name}\n${call.function.arguments}</tool_call>`;
        break;
      case "tool":
        out += `<|observation|>\n<tool_response>\n${text}\n</tool_response>`;
        break;
      default:
        out += `<|user|>\n${text}`;
    }
  }
  if (opts.addGenerationPrompt) out += opts.enableThinking ? "<|assistant|>\n<think>" : "<|assistant|>\n<think></think>";
  return out;
}
