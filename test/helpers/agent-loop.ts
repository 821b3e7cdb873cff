import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chunk, completion, textChunks, usageChunk, type RecordedRequest, type Script } from "./scripted-upstream.ts";

/** A temp project with three small files, and what the scripted engine says about them. */
export interface AgentProject {
  dir: string;
  files: { notes: ProjectFile; alpha: ProjectFile; beta: ProjectFile };
  /** Turn 3's reasoning (must come back as a thinking block, never as text) and final answer. */
  reasoning: string;
  answer: string;
}

export interface ProjectFile {
  path: string;
  text: string;
}

export function makeAgentProject(): AgentProject {
  const dir = mkdtempSync(join(tmpdir(), "tunelab-agent-project-"));
  const file = (name: string, text: string): ProjectFile => {
    const path = join(dir, name);
    writeFileSync(path, `${text}\n`);
    return { path, text };
  };
  return {
    dir,
    files: {
      notes: file("notes.txt", "The launch code word is PAPAYA-42."),
      alpha: file("alpha.txt", "Alpha says MANGO-7."),
      beta: file("beta.txt", "Beta says KIWI-9."),
    },
    reasoning: "The notes name PAPAYA-42; alpha and beta add MANGO-7 and KIWI-9.",
    answer: "Code word PAPAYA-42, then MANGO-7 and KIWI-9.",
  };
}

/** One main-loop request the scripted engine answered, with what it checked on the way. */
export interface AgentTurn {
  turn: number;
  request: RecordedRequest;
}

export const CALL_IDS = { notes: "call_read_notes", alpha: "call_read_alpha", beta: "call_read_beta" };

/**
 * The engine side of the agent loop, as an OpenAI-compatible engine streams it. Turn 1 asks for a `Read` of
 * notes.txt; turn 2 checks the tool result carries the file's text, then asks for two parallel `Read` calls;
 * turn 3 checks both results, streams reasoning, then the answer. Requests without tools or not streamed
 * (probes, side calls) get a plain answer and are not turns. A failed check ends the loop with a text naming it.
 */
export function agentLoopScript(project: AgentProject, turns: AgentTurn[], failures: string[]): (req: RecordedRequest) => Script {
  const { notes, alpha, beta } = project.files;
  return (request) => {
    const body = request.body ?? {};
    if (body.stream !== true || !Array.isArray(body.tools) || body.tools.length === 0) {
      return { chunks: textChunks(["ok"]), completion: completion({ content: "ok" }) };
    }
    const turn = turns.length + 1;
    turns.push({ turn, request });
    const tools = toolMessages(body.messages);
    const fail = (what: string) => {
      failures.push(`turn ${turn}: ${what}`);
      return { chunks: textChunks([`upstream check failed: ${what}`]) };
    };
    if (turn === 1) return { chunks: toolCallChunks([[CALL_IDS.notes, notes.path]]) };
    if (turn === 2) {
      if (!tools.some((m) => m.content.includes(notes.text))) return fail(`no tool message carries notes.txt's text (tool messages: ${JSON.stringify(tools).slice(0, 300)})`);
      return { chunks: toolCallChunks([[CALL_IDS.alpha, alpha.path], [CALL_IDS.beta, beta.path]]) };
    }
    if (turn === 3) {
      for (const file of [alpha, beta]) if (!tools.some((m) => m.content.includes(file.text))) return fail(`no tool message carries ${file.path}'s text`);
      return { chunks: reasoningThenAnswer(project.reasoning, project.answer) };
    }
    return fail("a fourth main-loop request (the loop should have ended at turn 3)");
  };
}

interface ToolMessage {
  role: "tool";
  tool_call_id?: string;
  content: string;
}

export function toolMessages(messages: unknown): ToolMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter((m): m is ToolMessage => m?.role === "tool").map((m) => ({ ...m, content: typeof m.content === "string" ? m.content : JSON.stringify(m.content) }));
}

/** Streamed tool calls as vLLM sends them: id and name first, arguments in fragments, all calls in one answer. */
function toolCallChunks(calls: [id: string, path: string][]): object[] {
  const out: object[] = [chunk({ role: "assistant", content: null })];
  calls.forEach(([id, path], index) => {
    const args = JSON.stringify({ file_path: path });
    out.push(chunk({ tool_calls: [{ index, id, type: "function", function: { name: "Read", arguments: "" } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, 14) } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(14) } }] }));
  });
  out.push(chunk({}, "tool_calls"), usageChunk(1000, 20 * calls.length));
  return out;
}

function reasoningThenAnswer(reasoning: string, answer: string): object[] {
  const words = (text: string) => text.split(/(?<= )/);
  return [
    chunk({ role: "assistant", content: "" }),
    ...words(reasoning).map((piece) => chunk({ reasoning: piece })),
    ...words(answer).map((piece) => chunk({ content: piece })),
    chunk({}, "stop"),
    usageChunk(1200, 30),
  ];
}
