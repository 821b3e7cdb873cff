/**
 * Proxy overhead on loopback: `npx tsx bench/proxy.bench.ts` (`npm run bench:check` gates the added TTFT at 1 stream).
 *
 * The proxy runs in this process; two child processes (this file with `--engine` / `--client`) run a
 * fast scripted OpenAI-style engine and the load client, so `process.cpuUsage()` here counts the proxy
 * alone and "direct" crosses processes just as the proxied path does.
 * Figures: added TTFT p50 (through the proxy minus direct to the engine) at 1 and 256 concurrent
 * streams, and proxy CPU microseconds per streamed event. Targets: <= 0.5 ms, <= 5 ms, <= 5 us.
 * A tinybench section times the pure translation hot path (SSE parse + JSON + Anthropic frame), and the
 * per-request work on a Claude-Code-sized body (parse, lenient validation, translation, the one serialization
 * of the engine request) beside a bare parse + re-serialization of the same body for scale.
 */
import { fork, type ChildProcess } from "node:child_process";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { messagesRequestSchema, parseRequest } from "../src/proxy/anthropic-schema.ts";
import { startProxy } from "../src/proxy/index.ts";
import { SseParser } from "../src/client/sse.ts";
import { StreamTranslator } from "../src/proxy/stream-translator.ts";
import { translateRequest } from "../src/proxy/translate-request.ts";
import { claudeCodeRequest, question } from "../src/suites/workload/claude-code.ts";

interface Scenario {
  name: string;
  target: "direct" | "proxy";
  concurrency: number;
  requests: number;
  /** Content events per stream and the engine's gap between them (0 = as fast as the socket takes them). */
  events: number;
  gapMs: number;
}

type ToChild =
  | { kind: "plan"; events: number; gapMs: number }
  | { kind: "run"; scenario: Scenario; upstreamUrl: string; proxyUrl: string }
  | { kind: "exit" };
type FromChild = { kind: "ready"; upstreamUrl?: string } | { kind: "planned" } | { kind: "done"; ttfts: number[]; events: number; errors: number };

const chunkFrame = (content: string) =>
  `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const FINISH =
  'data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
  'data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":64}}\n\ndata: [DONE]\n\n';

// ---------------------------------------------------------------- children: engine, load client

const send = (msg: FromChild) => process.send!(msg);
// A child outlives nothing: when the parent goes, so does it.
if (process.send) process.on("disconnect", () => process.exit(0));

async function engineProcess(): Promise<void> {
  const plan = { events: 8, gapMs: 0 };
  const engine = createServer((req, res) => serveEngine(req, res, plan));
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
  process.on("message", (msg: ToChild) => {
    if (msg.kind === "exit") process.exit(0);
    if (msg.kind !== "plan") return;
    Object.assign(plan, { events: msg.events, gapMs: msg.gapMs });
    send({ kind: "planned" });
  });
  send({ kind: "ready", upstreamUrl: `http://127.0.0.1:${(engine.address() as AddressInfo).port}` });
}

function clientProcess(): void {
  process.on("message", async (msg: ToChild) => {
    if (msg.kind === "exit") process.exit(0);
    if (msg.kind === "run") send({ kind: "done", ...(await runLoad(msg.scenario, msg.upstreamUrl, msg.proxyUrl)) });
  });
  send({ kind: "ready" });
}

function serveEngine(req: IncomingMessage, res: ServerResponse, plan: { events: number; gapMs: number }): void {
  if (req.url?.startsWith("/v1/models")) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"object":"list","data":[{"id":"bench-model","object":"model","created":1,"max_model_len":32768}]}');
    return;
  }
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      do res.write(chunkFrame(`tok${sent} `));
      while (++sent < plan.events && plan.gapMs === 0 && sent % 16 !== 0);
      if (sent >= plan.events) res.end(FINISH);
      else if (plan.gapMs === 0) setImmediate(next);
      else setTimeout(next, plan.gapMs);
    };
    next();
  });
}

const directBody = JSON.stringify({ model: "bench-model", messages: [{ role: "user", content: "hi" }], max_tokens: 256, stream: true, stream_options: { include_usage: true } });
const proxyBody = JSON.stringify({ model: "claude-sonnet-5-5", max_tokens: 256, stream: true, messages: [{ role: "user", content: "hi" }] });

async function runLoad(s: Scenario, upstreamUrl: string, proxyUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const direct = s.target === "direct";
  const url = new URL(direct ? "/v1/chat/completions" : "/v1/messages", direct ? upstreamUrl : proxyUrl);
  const body = direct ? directBody : proxyBody;
  const marker = direct ? '"content":"tok' : "content_block_delta";
  const ttfts: number[] = [];
  let events = 0;
  let errors = 0;
  let started = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      let seen = false;
      let tail = "";
      const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.setEncoding("utf8");
        res.on("data", (text: string) => {
          if (!seen && (tail + text).includes(marker)) {
            seen = true;
            ttfts.push(performance.now() - t0);
          }
          tail = text.slice(-32);
          for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) events++;
        });
        res.on("end", () => {
          if (res.statusCode !== 200 || !seen) errors++;
          resolve();
        });
        res.on("error", () => {
          errors++;
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error("stream stalled")));
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (started < s.requests) {
      started++;
      await one();
    }
  };
  // Workers start spread over one stream's duration, as independent users would: streams that all end and
  // restart at the same instant would measure a synthetic burst instead of the steady state.
  const spread = (s.events * s.gapMs) / s.concurrency;
  await Promise.all(Array.from({ length: s.concurrency }, (_, i) => new Promise((r) => setTimeout(r, i * spread)).then(worker)));
  agent.destroy();
  return { ttfts, events, errors };
}

// ---------------------------------------------------------------- parent: proxy + measurements

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (rank - lo);
}

function spawnChild(role: string): { proc: ChildProcess; next: () => Promise<FromChild> } {
  const proc = fork(fileURLToPath(import.meta.url), [role], { execArgv: ["--import", "tsx"] });
  return { proc, next: () => new Promise<FromChild>((resolve) => proc.once("message", (m: FromChild) => resolve(m))) };
}

export interface TtftCase {
  direct: number;
  viaProxy: number;
  /** Through the proxy minus direct, TTFT p50 in ms (medians of 3 rounds of each). */
  added: number;
  cpuPerRequestUs: number;
}

/** The rig: scripted engine and load client in child processes, the proxy in this one. */
export async function openRig() {
  const engine = spawnChild("--engine");
  const client = spawnChild("--client");
  const engineReady = await engine.next();
  await client.next();
  const upstreamUrl = engineReady.kind === "ready" ? engineReady.upstreamUrl! : "";
  const proxy = await startProxy({ upstream: upstreamUrl, port: 0 });
  const run = async (scenario: Scenario) => {
    engine.proc.send({ kind: "plan", events: scenario.events, gapMs: scenario.gapMs } satisfies ToChild);
    await engine.next();
    const cpu0 = process.cpuUsage();
    client.proc.send({ kind: "run", scenario, upstreamUrl, proxyUrl: proxy.url } satisfies ToChild);
    const done = await client.next();
    const cpu = process.cpuUsage(cpu0);
    if (done.kind !== "done") throw new Error("unexpected message");
    if (done.errors) throw new Error(`${scenario.name}: ${done.errors} failed streams`);
    return { ...done, cpuUs: cpu.user + cpu.system };
  };

  const ttftCase = async (concurrency: number, requests: number, events: number, gapMs: number): Promise<TtftCase> => {
    const base = { concurrency, requests, events, gapMs };
    await run({ ...base, name: "warmup-direct", target: "direct", requests: Math.min(requests, 200) });
    await run({ ...base, name: "warmup-proxy", target: "proxy", requests: Math.min(requests, 200) });
    const p50 = { direct: [] as number[], proxy: [] as number[] };
    let proxyCpuUs = 0;
    for (let round = 0; round < 3; round++) {
      for (const target of ["direct", "proxy"] as const) {
        const result = await run({ ...base, name: target, target });
        p50[target].push(percentile(result.ttfts, 50));
        if (target === "proxy") proxyCpuUs += result.cpuUs;
      }
    }
    const direct = percentile(p50.direct, 50);
    const viaProxy = percentile(p50.proxy, 50);
    return { direct, viaProxy, added: viaProxy - direct, cpuPerRequestUs: proxyCpuUs / (3 * requests) };
  };

  const close = async () => {
    for (const child of [engine, client]) child.proc.send({ kind: "exit" } satisfies ToChild);
    await proxy.close();
  };
  return { run, ttftCase, close };
}

async function parent(): Promise<void> {
  const { run, ttftCase, close } = await openRig();
  const line = (label: string, value: string, target: string) => console.log(`${label.padEnd(52)} ${value.padStart(12)}   (target ${target})`);
  const one = await ttftCase(1, 400, 4, 0);
  line("TTFT p50 direct / via proxy, 1 stream (ms)", `${one.direct.toFixed(3)} / ${one.viaProxy.toFixed(3)}`, "-");
  line("added TTFT p50, 1 stream (ms)", one.added.toFixed(3), "<= 0.5");
  line("proxy CPU per request of 4 events, 1 stream (us)", one.cpuPerRequestUs.toFixed(0), "info");
  // Engine-like pacing: 256 streams in flight, each 40 tokens at 20 tokens/s (a busy engine's per-user rate).
  const many = await ttftCase(256, 768, 40, 50);
  line("TTFT p50 direct / via proxy, 256 streams (ms)", `${many.direct.toFixed(3)} / ${many.viaProxy.toFixed(3)}`, "-");
  line("added TTFT p50, 256 concurrent streams (ms)", many.added.toFixed(3), "<= 5");

  const bulk = await run({ name: "cpu-bulk", target: "proxy", concurrency: 64, requests: 256, events: 2000, gapMs: 0 });
  line("proxy CPU per streamed event, engine at full speed (us)", (bulk.cpuUs / bulk.events).toFixed(2), "<= 5");
  const paced = await run({ name: "cpu-paced", target: "proxy", concurrency: 256, requests: 512, events: 50, gapMs: 5 });
  line("proxy CPU per event, one event per engine write (us)", (paced.cpuUs / paced.events).toFixed(2), "info");

  await translationBench();
  await requestBench();
  await close();
}

/** The pure hot path, without sockets: bytes of one engine chunk in, one Anthropic frame out. */
async function translationBench(): Promise<void> {
  const frame = Buffer.from(chunkFrame("hello "));
  const translator = new StreamTranslator({ messageId: "msg_bench", model: "claude", emitThinking: false });
  const parser = new SseParser((data) => translator.data(data));
  translator.start();
  translator.take();
  const bench = new Bench({ time: 500 });
  bench.add("parse + translate one text chunk", () => {
    parser.push(frame);
    translator.take();
  });
  await bench.run();
  const task = bench.tasks[0];
  const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : NaN;
  console.log(`${"translation hot path per event, in-process (us)".padEnd(52)} ${(meanMs * 1000).toFixed(2).padStart(12)}   (target -)`);
}

/** Claude Code 2.1.332's shape: 3-block system, the tool set, a system message after the first turn, 10 tool round trips. */
function claudeCodeBody(): string {
  const request = claudeCodeRequest({
    model: "claude-sonnet-5-5",
    salt: "bench",
    filler: { tools: 6000, system: 3000, reminder: 800, toolCount: 99 },
    question: question("bench"),
    history: 10,
    maxTokens: 32000,
  });
  const [first, ...rest] = request.messages;
  const agents = { role: "system", content: [{ type: "text", text: "Agents: Explore, Plan, general-purpose. Skills: verify, debug.", cache_control: { type: "ephemeral" } }] };
  return JSON.stringify({
    ...request,
    messages: [first, agents, ...rest],
    thinking: { type: "adaptive", display: "updates" },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    output_config: { effort: "high" },
    stream: true,
  });
}

async function requestBench(): Promise<void> {
  const raw = Buffer.from(claudeCodeBody());
  const options = { model: "m", thinking: true, stream: true, engine: "vllm", systemMessages: "inplace" } as const;
  const bench = new Bench({ time: 1000 });
  bench.add("request: parse, validate, translate, serialize", () => {
    const request = parseRequest(messagesRequestSchema, JSON.parse(raw.toString("utf8")));
    JSON.stringify(translateRequest(request, options));
  });
  bench.add("reference: parse + re-serialize only", () => {
    JSON.stringify(JSON.parse(raw.toString("utf8")));
  });
  await bench.run();
  for (const task of bench.tasks) {
    const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : NaN;
    console.log(`${`${task.name} (us)`.padEnd(52)} ${(meanMs * 1000).toFixed(0).padStart(12)}   (target -, ${Math.round(raw.length / 1024)} KB Claude Code body)`);
  }
}

if (process.argv.includes("--engine")) await engineProcess();
else if (process.argv.includes("--client")) clientProcess();
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await parent();
