/**
 * Client cost per streamed event: `npx tsx bench/client.bench.ts`.
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
import { fileURLToPath } from "node:url";
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

async function cpuPerEvent(name: string, run: () => Promise<number>): Promise<void> {
  await run(); // warm the JIT and the connection
  const before = process.cpuUsage();
  let events = 0;
  while (events < EVENTS) events += await run();
  const used = process.cpuUsage(before);
  const us = (used.user + used.system) / events;
  const verdict = name.startsWith("tunelab") ? (us <= TARGET_US ? "  (target <= 2.5: ok)" : "  (target <= 2.5: OVER)") : "";
  console.log(`${name.padEnd(42)} ${us.toFixed(2).padStart(6)} us/event over ${events} events${verdict}`);
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
  const target = { baseUrl: `http://127.0.0.1:${port}` };
  const clock = monotonicClock();
  const checked = (r: RequestRecord) => {
    if (!r.ok || r.chunkNs.length !== PER_REQUEST || r.outputTokens !== PER_REQUEST) throw new Error(`bad stream: ${r.error ?? r.chunkNs.length}`);
    return r.chunkNs.length;
  };
  console.log(`client CPU per streamed event (loopback, scripted server in a child process, ${EVENTS} events)`);
  await cpuPerEvent("tunelab streamChat (OpenAI chat)", async () => checked(await streamChat(target, { model: "m", messages: [] }, clock)));
  await cpuPerEvent("tunelab streamMessages (Anthropic)", async () => checked(await streamMessages(target, { model: "m", messages: [], max_tokens: 1 }, clock)));
  const sdk = new Anthropic({ baseURL: target.baseUrl, apiKey: "bench", maxRetries: 0 });
  await cpuPerEvent("@anthropic-ai/sdk messages.create stream", async () => {
    let n = 0;
    const stream = await sdk.messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }], stream: true });
    for await (const ev of stream) if (ev.type === "content_block_delta") n++;
    return n;
  });
  child.kill();

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
else await main();
