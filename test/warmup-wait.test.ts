import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../src/launchers/ports.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const bench = (args: string[]) => execa(process.execPath, [BENCH_BIN, ...args], { reject: false, env: { ...process.env, NO_COLOR: "1" } });

/** A server that answers 503 "Loading model" (llama.cpp style) until `readyAt`, then serves a tiny streaming chat. */
function lateServer(readyAt: number): Server {
  return createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (Date.now() < readyAt) return json(503, { error: { code: 503, message: "Loading model" } });
      if (req.url === "/health") return json(200, { status: "ok" });
      if (req.url === "/v1/models") return json(200, { object: "list", data: [{ id: "late-model" }] });
      if (req.url === "/v1/chat/completions") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}\n\n');
        res.end('data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1}}\n\ndata: [DONE]\n\n');
        return;
      }
      json(404, { error: "no route" });
    });
  });
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("bench warmup --wait", () => {
  it("waits through refused connections and 503, then warms every size and exits 0", async () => {
    const port = await freePort();
    const run = bench(["warmup", "--wait", "--url", `http://127.0.0.1:${port}`, "--sizes", "500,50", "--timeout", "60"]);
    // Refused connections first: the server starts only once warmup has reported them.
    await new Promise<void>((resolve) => run.stderr!.on("data", (d: Buffer) => d.toString().includes("connection refused") && resolve()));
    server = lateServer(Date.now() + 2000); // then 503 for 2 s
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    const result = await run;
    expect(result.stderr).toContain("connection refused");
    expect(result.stderr).toContain("/health answered 503");
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+50\s+prompt_tokens=5/); // smallest first
    expect(lines[1]).toMatch(/^\s+500\s/);
  });

  it("times out against a server that never starts: one clear line, exit 1", async () => {
    const port = await freePort();
    const result = await bench(["warmup", "--wait", "--url", `http://127.0.0.1:${port}`, "--timeout", "2"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: http://127.0.0.1:${port} not ready after 2s \\(last: connection refused\\)`, "m"));
  });

  it("exits 1 when a size fails (the server refuses the request)", async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/health") return res.writeHead(200).end("{}");
        if (req.url === "/v1/models") return res.writeHead(200).end(JSON.stringify({ data: [{ id: "m" }] }));
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"exceed_context_size_error"}}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const result = await bench(["warmup", "--url", `http://127.0.0.1:${(server.address() as AddressInfo).port}`, "--sizes", "50"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("FAILED");
    expect(result.stderr).toContain("warmup: 1 of 1 sizes failed");
  });
});
