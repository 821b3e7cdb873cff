/**
 * Replay scheduler precision: `npx tsx bench/replay-scheduler.bench.ts`.
 *
 * A fast scripted OpenAI-style engine runs in a child process (headers at once, 16 content chunks 5 ms apart,
 * usage, [DONE]); this process plans a synthesized Claude Code trace (the replay suite's own planner, ~28k-token
 * first requests, think times log-normal with a 300 ms median) and replays it with the suite's scheduler.
 * Figure: send lag = actual send time - scheduled time, per request, at 1 and 200 concurrent sessions (and at
 * 200 with ~3k-token prompts). Target: p99 <= 5 ms at 200 sessions. Also printed: the replay process's CPU per
 * request, how busy its event loop was, and the machine's load average: on a shared 2-core machine the tail is
 * set by how often the OS lets this process run, not by the scheduler. A tinybench section times the planner.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { streamChatPayload } from "../src/client/openai-chat.ts";
import { monotonicClock } from "../src/client/types.ts";
import { estimateUnits, IdealPrefixCache } from "../src/doctor/units.ts";
import { percentile } from "../src/metrics/percentile.ts";
import { sendLagMs } from "../src/metrics/send-lag.ts";
import { planReplay } from "../src/replay/plan.ts";
import { payloadFor, replayBody } from "../src/replay/prepare-body.ts";
import { runLanes } from "../src/replay/scheduler.ts";
import { synthesizeTrace } from "../src/trace/synth/synthesize.ts";

const CHUNKS = 16;
const GAP_MS = 5;

const frame = (content: string) =>
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const FINISH =
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\n' +
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":28000,"completion_tokens":${CHUNKS},"prompt_tokens_details":{"cached_tokens":27000}}}\n\ndata: [DONE]\n\n`;

async function engineProcess(): Promise<void> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      const next = () => {
        if (res.destroyed) return;
        res.write(frame(`tok${sent} `));
        if (++sent >= CHUNKS) res.end(FINISH);
        else setTimeout(next, GAP_MS);
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  process.on("disconnect", () => process.exit(0));
}

async function measure(url: string, sessions: number, promptTokens = 28_000) {
  const trace = await synthesizeTrace({ sessions: 1, turns: 8, subagents: 0, promptTokens, outputTokens: CHUNKS, think: { medianMs: 300, sigma: 1, minMs: 20, maxMs: 3000 } });
  const plan = await planReplay(trace, { api: "openai", path: "direct", model: "bench" }, {
    copies: sessions, staggerMs: 10, speed: 1, thinkTime: "keep", defaultOutputTokens: CHUNKS, salt: "bench", timeScale: 1,
  });
  const target = { baseUrl: url };
  const clock = monotonicClock();
  const t0 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const done = await runLanes(plan.lanes, clock, (payload) => streamChatPayload(target, payload, clock));
  delay.disable();
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const cpu = process.cpuUsage(cpu0);
  const lags = sendLagMs(done.map((d) => d.record));
  const errors = done.filter((d) => !d.record.ok).length;
  if (errors) throw new Error(`${errors} of ${done.length} requests failed`);
  return {
    requests: done.length, seconds: (performance.now() - t0) / 1000, p50: percentile(lags, 50)!, p99: percentile(lags, 99)!, max: Math.max(...lags),
    elu, loopDelayP99: delay.percentile(99) / 1e6, cpuPerRequestUs: (cpu.user + cpu.system) / done.length,
  };
}

async function plannerBench(): Promise<void> {
  const trace = await synthesizeTrace({ sessions: 1, turns: 1, promptTokens: 28_000 });
  const body = trace.sessions[0].requests[0].body;
  const bench = new Bench({ time: 500 });
  bench.add("prepare + serialize + encode one 28k-token request", () => Buffer.from(payloadFor("openai", replayBody(body, "s", "m", 200), "m")));
  const cache = new IdealPrefixCache();
  const units = estimateUnits(JSON.stringify(body));
  bench.add("ideal prefix cache lookup + insert, 28k-token request", () => {
    cache.lookup(units);
    cache.insert(units);
  });
  await bench.run();
  for (const task of bench.tasks) {
    const mean = task.result && "latency" in task.result ? task.result.latency.mean : NaN;
    console.log(`${task.name.padEnd(58)} ${(mean * 1000).toFixed(0).padStart(10)} us`);
  }
}

async function parent(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--engine"], { execArgv: ["--import", "tsx"] });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once("message", (m: { url: string }) => resolve(m)));
  await measure(url, 20); // warm up sockets and JIT
  for (const [sessions, prompt] of [[1, 28_000], [200, 28_000], [200, 3_000]]) {
    const r = await measure(url, sessions, prompt);
    const target = sessions === 200 ? "p99 <= 5" : "-";
    console.log(`send lag at ${String(sessions).padStart(3)} sessions, ~${prompt / 1000}k-token prompts (${r.requests} requests, ${r.seconds.toFixed(1)} s): p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms   (target ${target})`);
    console.log(`  replay process CPU ${r.cpuPerRequestUs.toFixed(0)} us per request; event loop ${(r.elu * 100).toFixed(0)}% busy, its delay p99 ${r.loopDelayP99.toFixed(2)} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  }
  await plannerBench();
  child.kill();
}

if (process.argv.includes("--engine")) await engineProcess();
else await parent();
