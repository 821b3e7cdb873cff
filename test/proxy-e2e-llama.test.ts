import { createServer, type AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../src/proxy/index.ts";
import { testEngine } from "../src/setup/index.ts";
import { sdkStream } from "./helpers/proxy-harness.ts";
import { checkStreamGrammar } from "./helpers/proxy-stream-check.ts";

let engine: ResultPromise | undefined;
let proxy: RunningProxy | undefined;
let client: Anthropic;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const { serverPath, modelPath } = await testEngine();
  const port = await freePort();
  engine = execa(serverPath, ["-m", modelPath, "--host", "127.0.0.1", "--port", String(port), "-c", "8192", "--jinja"], { reject: false, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${base}/health`).then((r) => r.status === 200, () => false))) {
    if (Date.now() > deadline || engine.exitCode !== null) throw new Error(`llama-server did not become ready on ${base}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  proxy = await startProxy({ upstream: `${base}/v1`, port: 0 });
  client = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.close();
  if (engine && engine.exitCode === null) {
    engine.kill("SIGTERM");
    const timer = setTimeout(() => engine?.kill("SIGKILL"), 5000);
    await engine;
    clearTimeout(timer);
  }
});

const params = {
  model: "claude-sonnet-5-5",
  max_tokens: 12,
  system: [
    { type: "text" as const, text: "x-anthropic-billing-header: cc_version=2.1.197; cch=abc123;" },
    { type: "text" as const, text: "You are a terse assistant." },
  ],
  messages: [{ role: "user" as const, content: "Say hello." }],
};

describe("proxy in front of the real tiny-model llama-server", () => {
  it("learns the context window from /props and lists the served model", async () => {
    const page = await client.models.list();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ type: "model", context_window: 8192 });
  });

  it("streams a valid Anthropic event sequence with real usage", async () => {
    const { events, message } = await sdkStream(client, params);
    checkStreamGrammar(events);
    expect(["end_turn", "max_tokens"]).toContain(message.stop_reason);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBeGreaterThan(5);
  });

  it("answers a non-streaming request, and count_tokens agrees with the engine's own prompt count", async () => {
    const message = await client.messages.create(params);
    expect(message).toMatchObject({ type: "message", role: "assistant", model: params.model });
    expect(["end_turn", "max_tokens"]).toContain(message.stop_reason);
    const promptTokens = message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0);
    const { input_tokens } = await client.messages.countTokens({ model: params.model, system: params.system, messages: params.messages });
    expect(input_tokens).toBe(promptTokens);
  });

  it("refuses a prompt larger than the window before generating, as Anthropic does", async () => {
    const huge = { ...params, messages: [{ role: "user" as const, content: "hello there ".repeat(5000) }] };
    await expect(client.messages.create(huge)).rejects.toMatchObject({
      status: 400,
      error: { error: { type: "invalid_request_error", message: expect.stringMatching(/^prompt is too long: \d+ tokens > 8191 maximum$/) } },
    });
  });
});
