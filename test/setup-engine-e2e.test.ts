import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa, type ResultPromise } from "execa";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llamaBundle } from "../src/setup/bundle.ts";
import { ensureLlamaCpp, llamaServerVersion, testEngine } from "../src/setup/index.ts";

let server: ResultPromise | undefined;
let base = "";
let stderr = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function waitHealthy(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`llama-server exited: ${stderr.slice(-2000)}`);
    try {
      if ((await fetch(base + "/health")).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`llama-server not healthy after ${timeoutMs} ms: ${stderr.slice(-2000)}`);
}

beforeAll(async () => {
  const { serverPath, modelPath } = await testEngine();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = execa(serverPath, ["-m", modelPath, "--host", "127.0.0.1", "--port", String(port), "-c", "4096"], { reject: false, stdin: "ignore" });
  server.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await waitHealthy(60_000);
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await Promise.race([server, sleep(5000)]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
});

/** llama.cpp's tokenizer test data: inputs separated by "\n__ggml_vocab_test__\n", one line of ids per input. */
function vocabCases(srcDir: string): Array<{ text: string; ids: number[] }> {
  const inp = readFileSync(join(srcDir, "models", "ggml-vocab-qwen2.gguf.inp"), "utf8");
  const out = readFileSync(join(srcDir, "models", "ggml-vocab-qwen2.gguf.out"), "utf8").split("\n");
  const texts = inp.split("\n__ggml_vocab_test__\n");
  if (texts.at(-1) === "") texts.pop();
  return texts.map((text, i) => ({ text, ids: out[i].trim().split(" ").filter(Boolean).map(Number) }));
}

describe("llama-server on the tiny model (end to end)", () => {
  it("is the bundled llama.cpp version", async () => {
    const { serverPath } = await ensureLlamaCpp();
    expect((await llamaServerVersion(serverPath)).commit).toBe(llamaBundle().commit.slice(0, 7));
  });

  it("tokenizes llama.cpp's Qwen2 test strings to the expected ids", async () => {
    const cases = vocabCases((await ensureLlamaCpp()).srcDir);
    expect(cases.length).toBeGreaterThan(30);
    for (const { text, ids } of cases) {
      const { json } = await post("/tokenize", { content: text, add_special: false, parse_special: false });
      expect({ text, tokens: json.tokens }).toEqual({ text, tokens: ids });
    }
  });

  it("generates exactly max_tokens tokens", async () => {
    const { status, json } = await post("/v1/chat/completions", { messages: [{ role: "user", content: "Hello" }], max_tokens: 8 });
    expect(status).toBe(200);
    expect((json.usage as { completion_tokens: number }).completion_tokens).toBe(8);
    expect((json.choices as Array<{ finish_reason: string }>)[0].finish_reason).toBe("length");
  });

  it("renders tools, tool calls and tool results with the Qwen2.5 template", async () => {
    const tool = { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } };
    const { status, json } = await post("/apply-template", {
      tools: [tool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
    });
    expect(status).toBe(200);
    const prompt = String(json.prompt);
    expect(prompt).toMatch(/<tools>\n\{"type": "function", "function": \{"name": "get_weather"[^\n]*\n<\/tools>/);
    expect(prompt).toContain("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>");
    expect(prompt).toContain("<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>");
    expect(prompt.endsWith("<|im_start|>assistant\n")).toBe(true);
  });
});
