import { claudeCodeRequest, CLAUDE_CODE_TOOLS, question } from "../../suites/workload/claude-code.ts";
import { fillerWords, hex, rng } from "../../suites/workload/filler.ts";
import { sizeClaudeCodeWith } from "../../suites/workload/sizer.ts";
import type { Message, MessagesRequest } from "../../suites/workload/types.ts";
import { groupSessions } from "../sessions.ts";
import type { Trace, TraceRequest } from "../schema.ts";
import { agentRoundTrip, roundTrip, ROUND_TRIP_TOOLS, type Call } from "./conversation.ts";
import { floatRng, logNormal } from "./distributions.ts";
import { estimateTokens } from "./estimate.ts";
import { subagentRequest } from "./subagent.ts";
import { drawSpawnMs, drawThinkMs } from "./think-time.ts";
import { SYNTH_DEFAULTS, type SynthOptions } from "./defaults.ts";

export { SYNTH_DEFAULTS, type SynthOptions } from "./defaults.ts";

/**
 * A Claude Code workload as a trace (REFERENCE.md section 3): a 3-block system prompt with the billing header,
 * the tool set, a first user turn with system reminders (about `promptTokens` in all), then one tool round trip
 * per request (tool_use in the assistant turn, tool_result in the next user turn, one or two calls each), with
 * think times between requests. Sub-agents are sessions of their own with their own system prompt and tools,
 * started by an Agent call of their parent and running alongside it.
 */
export async function synthesizeTrace(options: Partial<SynthOptions> = {}): Promise<Trace> {
  const o = { ...SYNTH_DEFAULTS, ...options, think: { ...SYNTH_DEFAULTS.think, ...options.think } };
  const requests: TraceRequest[] = [];
  for (let s = 0; s < o.sessions; s++) requests.push(...(await mainSession(o, s)));
  return { source: "synth", format: "lab", sessions: groupSessions(requests, "synth") };
}

async function mainSession(o: SynthOptions, s: number): Promise<TraceRequest[]> {
  const seed = `${o.seed}/${s}`;
  const u = floatRng(`${seed}/draws`);
  const salt = hex(rng(seed), 12);
  const id = `synth-${salt}`;
  const shape = { model: o.model, salt, question: question(`${salt}/0`, 24), maxTokens: 32_000 };
  const { filler } = await sizeClaudeCodeWith(async (req) => estimateTokens(req), shape, o.promptTokens);
  const base = claudeCodeRequest({ ...shape, filler });
  const agentTool = CLAUDE_CODE_TOOLS.find((t) => t.name === "Agent" || t.name === "Task")?.name ?? "Agent";
  const spawnAt = o.subagents > 0 ? Math.max(1, Math.floor(o.turns / 2)) : -1;
  const tasks = Array.from({ length: o.subagents }, (_, k) => `Find every caller of step${k + 1} in the code base and report their files, one per line. ${fillerWords(40, `${seed}/task/${k}`)}`);
  const history: Message[] = [];
  const out: TraceRequest[] = [];
  for (let t = 0; t < o.turns; t++) {
    if (t > 0) history.push(...(t === spawnAt ? agentRoundTrip(salt, t, agentTool, tasks) : roundTrip(salt, t, drawCalls(u, o, t))));
    const body: MessagesRequest & { stream: boolean } = { ...base, messages: [...base.messages, ...history], stream: true };
    out.push(traceLine(id, t, withCch(body, o, `${seed}/${t}`), u, o, t === 0 ? { start_ms: s * o.sessionGapMs, think_ms: null } : { think_ms: drawThinkMs(u, o.think) }));
  }
  tasks.forEach((task, k) => out.push(...subagentSession(o, `${id}/agent-${k + 1}`, { session: id, index: spawnAt - 1 }, task, `${seed}/agent/${k}`)));
  return out;
}

function subagentSession(o: SynthOptions, id: string, parent: { session: string; index: number }, task: string, seed: string): TraceRequest[] {
  const u = floatRng(`${seed}/draws`);
  const turns = Math.max(1, Math.ceil(o.turns / 2));
  const salt = hex(rng(seed), 12);
  const history: Message[] = [];
  const out: TraceRequest[] = [];
  for (let t = 0; t < turns; t++) {
    if (t > 0) history.push(...roundTrip(salt, t, drawCalls(u, o, t)));
    const body = subagentRequest({ model: o.model, salt, task, promptTokens: Math.round(o.promptTokens / 2), history });
    out.push(traceLine(id, t, withCch(body, o, `${seed}/${t}`), u, o, t === 0 ? { parent, think_ms: drawSpawnMs(u) } : { think_ms: drawThinkMs(u, o.think) }));
  }
  return out;
}

/** The billing block with this request's own `cch=` (5 hex digits), when rotating. */
function withCch<T extends MessagesRequest>(body: T, o: SynthOptions, seed: string): T {
  if (!o.rotateCch || !Array.isArray(body.system)) return body;
  const [billing, ...rest] = body.system;
  const text = billing.text.replace(/ cch=[0-9a-f]+;/, "").trimEnd() + ` cch=${hex(rng(`cch/${seed}`), 5)};`;
  return { ...body, system: [{ ...billing, text }, ...rest] };
}

/** One or (one time in five) two tool calls, each with a log-normal number of output lines. */
function drawCalls(u: () => number, o: SynthOptions, turn: number): Call[] {
  const count = u() < 0.2 ? 2 : 1;
  return Array.from({ length: count }, (_, i) => ({
    name: ROUND_TRIP_TOOLS[(turn + i) % ROUND_TRIP_TOOLS.length],
    lines: Math.round(logNormal(u, o.toolResultLines, 0.8, 5, 400)),
  }));
}

function traceLine(session: string, index: number, body: object, u: () => number, o: SynthOptions, timing: Partial<TraceRequest>): TraceRequest {
  const output = Math.round(logNormal(u, o.outputTokens, 0.6, Math.max(1, Math.ceil(o.outputTokens / 4)), o.outputTokens * 4));
  return { session, index, ...timing, body: body as TraceRequest["body"], outcome: { output_tokens: output } };
}
