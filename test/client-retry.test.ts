import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { streamChat } from "../src/client/openai-chat.ts";
import { monotonicClock } from "../src/client/types.ts";

/** A raw TCP server, so a test decides exactly which bytes of a response arrive before the connection dies. */
function rawServer(onRequest: (socket: Socket, index: number) => void): Promise<{ url: string; requests: () => number; server: Server }> {
  let count = 0;
  const server = createServer((socket) => {
    let buffered = "";
    socket.on("data", (data) => {
      buffered += data.toString("utf8");
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = "";
      onRequest(socket, count++);
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count, server });
  }));
}

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } })}\n\ndata: [DONE]\n\n`;
const head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
const chunked = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

let open: Server | undefined;
afterEach(() => open?.close());

describe("the client's retry of a request on a stale socket", () => {
  it("never re-sends a POST once the response has started: a mid-stream reset is the request's failure", async () => {
    const s = await rawServer((socket) => {
      socket.write(head + chunked(chunk("Hello")));
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    open = s.server;
    const record = await streamChat({ baseUrl: s.url }, { model: "m", messages: [] }, monotonicClock());
    expect(record.ok).toBe(false);
    expect(record.error).toMatch(/other side closed|ECONNRESET|socket/i);
    expect(record.chunkNs).toHaveLength(1); // the chunk that did arrive was seen
    await new Promise((r) => setTimeout(r, 300));
    expect(s.requests()).toBe(1); // undici's RetryHandler sent it a second time (with a Range header)
  });

  it("re-sends once when the server closed the connection before answering a byte", async () => {
    const s = await rawServer((socket, index) => {
      if (index === 0) return socket.resetAndDestroy(); // the engine closed this keep-alive socket as the request arrived
      socket.end(head + chunked(chunk("Hi")) + chunked(chunk("!")) + chunked(usage) + "0\r\n\r\n");
    });
    open = s.server;
    const record = await streamChat({ baseUrl: s.url }, { model: "m", messages: [] }, monotonicClock());
    expect(record.ok, record.error).toBe(true);
    expect(record.outputTokens).toBe(2);
    expect(s.requests()).toBe(2);
  });
});
