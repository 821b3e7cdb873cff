import { claudeCodeRequest } from "../../src/suites/workload/claude-code.ts";
import type { TraceRequest } from "../../src/trace/schema.ts";
import type { BreakKind } from "../../src/doctor/classify.ts";

type Body = Record<string, unknown> & { system: Array<{ type: string; text: string }>; tools: Array<Record<string, unknown>>; messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };

/** Where a planted break must be found: its kind, JSON path, and character offset in that string (when it is one). */
export interface Planted {
  index: number;
  kind: BreakKind;
  path: string;
  char?: number;
}

/**
 * A Claude-Code-shaped session of 8 requests; each after the first adds one tool round trip and plants exactly
 * one prefix break of a different kind in what came before: the billing header's cch=, a timestamp inside a
 * <system-reminder>, two tools swapped, a tool description edited, an earlier thinking block dropped,
 * whitespace, and a tool result re-sent as text blocks instead of a string (Claude Code 2.1.332 does that to
 * its mid-conversation system message). Returns the trace lines and where each break is.
 */
export function plantedBreaksTrace(session = "planted"): { lines: TraceRequest[]; planted: Planted[] } {
  const base = claudeCodeRequest({
    model: "claude-sonnet-4-5", salt: "5eed5eed5eed", question: "Question: why does the build fail?", maxTokens: 512, cch: "a1b2c",
    filler: { tools: 200, system: 200, reminder: 100, toolCount: 8 },
  }) as unknown as Body;
  base.messages[0].content.splice(1, 0, { type: "text", text: "<system-reminder>\nCurrent time: 2026-06-01T10:00:00Z. Branch: main.\n</system-reminder>" });
  const body: Body = { ...base, thinking: { type: "enabled", budget_tokens: 1024 }, stream: true };
  const lines: TraceRequest[] = [];
  const planted: Planted[] = [];
  const push = () => lines.push({ session, index: lines.length, think_ms: lines.length ? 25 : null, body: structuredClone(body) });
  const grow = (turn: number) => {
    const id = `toolu_${turn}`;
    body.messages.push(
      { role: "assistant", content: [{ type: "thinking", thinking: `Turn ${turn}: I should read the file.`, signature: `sig${turn}` }, { type: "text", text: `Reading file ${turn}.` }, { type: "tool_use", id, name: "Read", input: { file_path: `/src/f${turn}.ts` } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: `export const value${turn} = ${turn};` }] },
    );
  };
  push();
  const plant = (kind: BreakKind, path: string, char: number | undefined, edit: () => void) => {
    grow(lines.length);
    edit();
    planted.push({ index: lines.length, kind, path, char });
    push();
  };
  const billing = base.system[0].text;
  plant("billing_header", "system[0].text", billing.indexOf("cch=") + 4, () => {
    body.system[0].text = billing.replace("cch=a1b2c", "cch=f9e8d");
  });
  const reminder = String(body.messages[0].content[1].text);
  plant("reminder_timestamp", "messages[0].content[1].text", reminder.indexOf("10:00:00") + 4, () => {
    body.messages[0].content[1].text = reminder.replace("10:00:00", "10:07:42");
  });
  const [a, b] = [String(body.tools[2].name), String(body.tools[3].name)];
  let common = 0;
  while (a[common] === b[common]) common++;
  plant("tools_reordered", "tools[2].name", common, () => {
    [body.tools[2], body.tools[3]] = [body.tools[3], body.tools[2]];
  });
  const description = String(body.tools[5].description);
  plant("tool_description", "tools[5].description", description.length, () => {
    body.tools[5] = { ...body.tools[5], description: `${description} Prefer absolute paths.` };
  });
  plant("thinking_dropped", "messages[1].content[0]", undefined, () => {
    body.messages[1].content = body.messages[1].content.filter((b) => b.type !== "thinking");
  });
  const question = String(body.messages[0].content.at(-1)!.text);
  plant("whitespace", `messages[0].content[${body.messages[0].content.length - 1}].text`, question.indexOf(" ") + 1, () => {
    body.messages[0].content.at(-1)!.text = question.replace(" ", "  ");
  });
  plant("content_form", "messages[2].content[0].content", undefined, () => {
    const result = body.messages[2].content[0];
    result.content = [{ type: "text", text: String(result.content) }];
  });
  return { lines, planted };
}
