/**
 * Client cost per streamed event: `npx tsx bench/client.bench.ts` (`npm run bench:check` gates the ratio to the SDK).
 *
 * A scripted SSE server runs in a child process (this file with `--server`), so `process.cpuUsage()` here
 * counts the client alone. Each client streams EVENTS content events over loopback; the figure is CPU
 * microseconds per event (user + system). Target for our clients: <= 2.5 us. For comparison the same
 * stream through the official @anthropic-ai/sdk (raw event iteration, no message accumulation).
 * tinybench times the pure per-event hot path (SSE split + chunk handling) without the network.
 */
import Anthropic from "@anthropic-ai/sdk";
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { onMessagesData, streamMessages, type MessagesState } from "../src/client/anthropic-messages.ts";
import { onChatData, streamChat } from "../src/client/openai-chat.ts";
import { SseParser } from "../src/client/sse.ts";
import { monotonicClock, type RequestRecord } from "../src/client/types.ts";

const EVENTS = Number(process.env.CLIENT_BENCH_EVENTS ?? 200_000);
const PER_REQUEST = 20_000;
const TARGET_US = 2.5;
const WORDS = [" the", " model", " reads", " a", " file", " then", " calls", " tool", " é", " \"quoted\""];

const chatFrame = (i: number) =>
  `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(WORDS[i % WORDS.length])}},"logprobs":null,"finish_reason":null}]}\n\n`;
const messagesFrame = (i: number) =>
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(WORDS[i % WORDS.length])}}}\n\n`;

function chatStream(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += chatFrame(i);
  return s + 'data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\n' +
    `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${n}}}\n\ndata: [DONE]\n\n`;
}

function messagesStream(n: number): string {
  let s = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_b","type":"message","role":"assistant","content":[],"model":"m","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_read_input_tokens":0,"output_tokens":0}}}\n\n' +
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
  for (let i = 0; i < n; i++) s += messagesFrame(i);
  return s + 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":${n}}}\n\n` +
    'event: message_stop\ndata: {"type":"message_stop"}\n\n';
}

/** The scripted server: whole streams pre-rendered, written in 64 KiB slices as fast as the socket takes them. */
async function serve(): Promise<void> {
  const bodies = { chat: Buffer.from(chatStream(PER_REQUEST)), messages: Buffer.from(messagesStream(PER_REQUEST)) };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const body = req.url?.startsWith("/v1/messages") ? bodies.messages : bodies.chat;
      for (let at = 0; at < body.length; at += 65536) res.write(body.subarray(at, at + 65536));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** CPU microseconds per event of `run` (which streams and returns how many content events it saw), after one warm-up run. */
async function cpuPerEvent(events: number, run: () => Promise<number>): Promise<number> {
  await run(); // warm the JIT and the connection
  const before = process.cpuUsage();
  let seen = 0;
  while (seen < events) seen += await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / seen;
}

export interface ClientCpu {
  /** CPU us per content event: our OpenAI chat client, our Anthropic client, and the official SDK on the Anthropic stream. */
  chat: number;
  messages: number;
  sdk: number;
}

/**
 * The three clients against the scripted server (a child process), `rounds` times each, interleaved so that a
 * change of the machine's load hits them alike; the median of the rounds for each.
 */
export async function measureClientCpu(eventsPerRound: number, rounds = 1): Promise<ClientCpu> {
  const child = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: ["--import", "tsx"] });
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
    const target = { baseUrl: `http://127.0.0.1:${port}` };
    const clock = monotonicClock();
    const checked = (r: RequestRecord) => {
      if (!r.ok || r.chunkNs.length !== PER_REQUEST || r.outputTokens !== PER_REQUEST) throw new Error(`bad stream: ${r.error ?? r.chunkNs.length}`);
      return r.chunkNs.length;
    };
    const sdk = new Anthropic({ baseURL: target.baseUrl, apiKey: "bench", maxRetries: 0 });
    const clients: Record<keyof ClientCpu, () => Promise<number>> = {
      chat: async () => checked(await streamChat(target, { model: "m", messages: [] }, clock)),
      messages: async () => checked(await streamMessages(target, { model: "m", messages: [], max_tokens: 1 }, clock)),
      sdk: async () => {
        let n = 0;
        const stream = await sdk.messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }], stream: true });
        for await (const ev of stream) if (ev.type === "content_block_delta") n++;
        return n;
      },
    };
    const samples: Record<keyof ClientCpu, number[]> = { chat: [], messages: [], sdk: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of Object.keys(clients) as Array<keyof ClientCpu>) samples[name].push(await cpuPerEvent(eventsPerRound, clients[name]));
    }
    return { chat: median(samples.chat), messages: median(samples.messages), sdk: median(samples.sdk) };
  } finally {
    child.kill();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  console.log(`client CPU per streamed event (loopback, scripted server in a child process, ${EVENTS} events)`);
  const cpu = await measureClientCpu(EVENTS);
  const line = (name: string, us: number, verdict = "") => console.log(`${name.padEnd(42)} ${us.toFixed(2).padStart(6)} us/event${verdict}`);
  const target = (us: number) => `  (target <= ${TARGET_US}: ${us <= TARGET_US ? "ok" : "OVER"}; ${(us / cpu.sdk).toFixed(2)}x the SDK)`;
  line("tunelab streamChat (OpenAI chat)", cpu.chat, target(cpu.chat));
  line("tunelab streamMessages (Anthropic)", cpu.messages, target(cpu.messages));
  line("@anthropic-ai/sdk messages.create stream", cpu.sdk);

  const chatBytes = Buffer.from(chatStream(2000));
  const messagesBytes = Buffer.from(messagesStream(2000));
  const bench = new Bench({ name: "per-event hot path (2000 events per iteration, no network)", time: 500 });
  bench.add("openai chat: split + onChatData", () => {
    const record: RequestRecord = { ok: false, gateWaitNs: 0, startNs: 0, endNs: 0, chunkNs: [] };
    const state = { text: "", tools: [] };
    new SseParser((d) => onChatData(d, 1, record, state)).push(chatBytes);
  });
  bench.add("anthropic: split + onMessagesData", () => {
    const record: RequestRecord = { ok: false, gateWaitNs: 0, startNs: 0, endNs: 0, chunkNs: [] };
    const state: MessagesState = { text: "", tools: [], toolAt: new Map() };
    new SseParser((d, e) => onMessagesData(d, e, 1, record, state)).push(messagesBytes);
  });
  await bench.run();
  console.log(bench.name);
  console.table(bench.table());
}

if (process.argv.includes("--server")) await serve();
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
