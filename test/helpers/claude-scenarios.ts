import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentLoopScript, CALL_IDS, makeAgentProject, toolMessages, type AgentProject, type AgentTurn } from "./agent-loop.ts";
import { assistantTexts, describeRun, runClaudeCode, type ClaudeCodeInstall, type ClaudeRun } from "./claude-code.ts";
import type { CompatRow, Front } from "./compat-rows.ts";
import { jsonSpans } from "./json-spans.ts";
import { startScriptedUpstream } from "./scripted-upstream.ts";

/** One cell of the compatibility table: what running Claude Code through one row showed. */
export interface ScenarioOutcome {
  scenario: "3a" | "3b";
  row: string;
  status: "pass" | "fail" | "n/a";
  /** What broke, one line each (empty when it passed). */
  problems: string[];
  run?: ClaudeRun;
  /** 3b: the main-loop requests the scripted engine answered. */
  turns?: AgentTurn[];
  frontLog?: string;
}

export interface ScenarioOptions {
  claude?: ClaudeCodeInstall;
  /** More `bench claude` options (before --exec). */
  benchArgs?: string[];
  timeoutMs?: number;
}

/**
 * 3a: a prompt through `row` in front of the tiny llama-server. The random-weight model never stops by itself,
 * so with CLAUDE_CODE_MAX_OUTPUT_TOKENS = `maxOutputTokens` Claude Code must end with "response exceeded the N
 * output token maximum": proof that it parsed each stream to its max_tokens stop. Any other ending fails.
 */
export async function maxTokensRoundTrip(row: CompatRow, engineUrl: string, maxOutputTokens: number, options: ScenarioOptions = {}): Promise<ScenarioOutcome> {
  const outcome: ScenarioOutcome = { scenario: "3a", row: row.name, status: "n/a", problems: [] };
  const front = await row.start({ url: engineUrl, kind: "llama-server" });
  if (!front) return outcome;
  const project = mkdtempSync(join(tmpdir(), "tunelab-claude-3a-"));
  try {
    const run = await runClaudeCode({ baseUrl: front.baseUrl, prompt: "Say hello.", cwd: project, maxOutputTokens, ...options });
    outcome.run = run;
    const expected = `response exceeded the ${maxOutputTokens} output token maximum`;
    if (run.timedOut) outcome.problems.push(`timed out: ${describeRun(run)}`);
    else if (!run.result) outcome.problems.push(`no result event: ${describeRun(run)}`);
    else if (!run.result.result?.includes(expected)) outcome.problems.push(`ended with ${JSON.stringify(run.result.result)} instead of "${expected}"`);
    if (!run.timedOut && assistantTexts(run).length === 0) outcome.problems.push("no assistant text reached Claude Code (streams not parsed)");
  } finally {
    outcome.frontLog = await stopFront(front);
    rmSync(project, { recursive: true, force: true });
  }
  return finish(outcome);
}

/**
 * 3b: a real agent loop through `row` in front of a scripted OpenAI engine (see agent-loop.ts): Claude Code runs
 * `Read` for turn 1 and two parallel `Read`s for turn 2, then answers after reasoning. Checks Claude Code's
 * result and exit code, and what the engine saw each turn: tools mapped, history mapped, billing header gone,
 * every earlier turn's bytes repeated unchanged.
 */
export async function agentLoop(row: CompatRow, options: ScenarioOptions = {}): Promise<ScenarioOutcome> {
  const outcome: ScenarioOutcome = { scenario: "3b", row: row.name, status: "n/a", problems: [] };
  const project = makeAgentProject();
  const turns: AgentTurn[] = [];
  const upstream = await startScriptedUpstream({ model: "served-model", context: 262144, script: agentLoopScript(project, turns, outcome.problems) });
  let front: Front | undefined;
  try {
    front = await row.start({ url: upstream.url, kind: "openai" });
    if (!front) return outcome;
    const prompt = `Read ${project.files.notes.path} and tell me the code word.`;
    const run = await runClaudeCode({ baseUrl: front.baseUrl, prompt, cwd: project.dir, ...options });
    outcome.run = run;
    outcome.turns = turns;
    outcome.problems.push(...checkRun(run, project), ...checkTurns(turns, project));
  } finally {
    if (front) outcome.frontLog = await stopFront(front);
    await upstream.close();
    rmSync(project.dir, { recursive: true, force: true });
  }
  return finish(outcome);
}

function checkRun(run: ClaudeRun, project: AgentProject): string[] {
  const problems: string[] = [];
  if (run.timedOut || run.exitCode !== 0) problems.push(`Claude Code did not exit 0: ${describeRun(run)}`);
  if (run.result?.subtype !== "success" || run.result.is_error) problems.push(`result is not a success: ${describeRun(run)}`);
  else if (run.result.result?.trim() !== project.answer) problems.push(`final result ${JSON.stringify(run.result.result)} is not the engine's answer`);
  const thinking = run.events.flatMap((e) => (e.type === "assistant" ? (e.message?.content ?? []) : [])).filter((b) => b.type === "thinking");
  if (!thinking.some((b) => (b as { thinking?: string }).thinking?.includes("PAPAYA-42"))) problems.push("the engine's reasoning did not reach Claude Code as a thinking block");
  if (assistantTexts(run).some((t) => t.includes(project.reasoning))) problems.push("the engine's reasoning leaked into visible text");
  const reads = run.events.flatMap((e) => (e.type === "assistant" ? (e.message?.content ?? []) : [])).filter((b) => b.type === "tool_use" && b.name === "Read");
  if (reads.length !== 3) problems.push(`Claude Code ran ${reads.length} Read calls, expected 3 (1, then 2 in parallel)`);
  return problems;
}

function checkTurns(turns: AgentTurn[], project: AgentProject): string[] {
  const problems: string[] = [];
  if (turns.length !== 3) problems.push(`the engine saw ${turns.length} main-loop requests, expected 3`);
  for (const { turn, request } of turns) {
    const at = `turn ${turn}`;
    if (request.text.includes("x-anthropic-billing-header")) problems.push(`${at}: the billing header reached the engine`);
    const tools = request.body?.tools as { type?: string; function?: { name?: string; parameters?: { properties?: object } } }[];
    const read = tools.find((t) => t.function?.name === "Read");
    if (!tools.every((t) => t.type === "function" && typeof t.function?.name === "string" && typeof t.function.parameters === "object")) {
      problems.push(`${at}: tools are not all OpenAI functions with parameters`);
    } else if (!read?.function?.parameters?.properties || !("file_path" in read.function.parameters.properties)) {
      problems.push(`${at}: Read's input_schema did not become its parameters`);
    }
  }
  const [, second, third] = turns;
  if (second) problems.push(...checkToolRound(second, [[CALL_IDS.notes, project.files.notes]]));
  if (third) problems.push(...checkToolRound(third, [[CALL_IDS.alpha, project.files.alpha], [CALL_IDS.beta, project.files.beta]]));
  for (let i = 1; i < turns.length; i++) problems.push(...checkPrefix(turns[i - 1], turns[i]));
  return problems;
}

type Call = [id: string, file: { path: string; text: string }];

/** The assistant's tool calls (ids, names, arguments) and then one tool message per call, in order, with the file's text. */
function checkToolRound({ turn, request }: AgentTurn, calls: Call[]): string[] {
  const messages = (request.body?.messages ?? []) as { role: string; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }[];
  const at = messages.findLastIndex((m) => m.role === "assistant" && m.tool_calls?.length);
  const assistant = messages[at];
  if (!assistant) return [`turn ${turn}: no assistant message with tool_calls in the history`];
  const problems: string[] = [];
  const seen = assistant.tool_calls!.map((c) => [c.id, c.function.name, safeParse(c.function.arguments)?.file_path]);
  const wanted = calls.map(([id, file]) => [id, "Read", file.path]);
  if (JSON.stringify(seen) !== JSON.stringify(wanted)) problems.push(`turn ${turn}: assistant tool_calls ${JSON.stringify(seen)}, expected ${JSON.stringify(wanted)}`);
  const results = toolMessages(messages.slice(at + 1, at + 1 + calls.length));
  calls.forEach(([id, file], i) => {
    const result = results[i];
    if (!result || result.tool_call_id !== id || !result.content.includes(file.text)) {
      problems.push(`turn ${turn}: tool message ${i + 1} after the calls is ${JSON.stringify(result ?? null).slice(0, 200)}, expected ${id} with "${file.text}"`);
    }
  });
  return problems;
}

/** The later request repeats the earlier one byte for byte up to the end of its last message, and its tools exactly. */
function checkPrefix(earlier: AgentTurn, later: AgentTurn): string[] {
  const a = earlier.request.text;
  const b = later.request.text;
  const spans = jsonSpans(a);
  const end = spans.messageEnds.at(-1);
  const problems: string[] = [];
  if (!end) problems.push(`turn ${earlier.turn}'s body has no messages array to compare`);
  else if (b.slice(0, end) !== a.slice(0, end)) {
    let i = 0;
    while (a[i] === b[i]) i++;
    problems.push(`turn ${later.turn} changed turn ${earlier.turn}'s bytes at offset ${i}: ${JSON.stringify(a.slice(i, i + 60))} -> ${JSON.stringify(b.slice(i, i + 60))}`);
  }
  const toolsA = spans.values.get("tools");
  const toolsB = jsonSpans(b).values.get("tools");
  if (!toolsA || !toolsB || a.slice(...toolsA) !== b.slice(...toolsB)) problems.push(`turn ${later.turn} serialized the tools differently from turn ${earlier.turn}`);
  return problems;
}

function safeParse(text: string): { file_path?: string } | undefined {
  try {
    return JSON.parse(text) as { file_path?: string };
  } catch {
    return undefined;
  }
}

async function stopFront(front: Front): Promise<string> {
  await front.stop();
  return front.log();
}

function finish(outcome: ScenarioOutcome): ScenarioOutcome {
  outcome.status = outcome.problems.length ? "fail" : "pass";
  return outcome;
}
