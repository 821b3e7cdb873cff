import Anthropic from "@anthropic-ai/sdk";
import { execa, type ResultPromise } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../src/launchers/ports.ts";
import { startProxy, type RunningProxy } from "../../src/proxy/index.ts";
import { readSse } from "../helpers/proxy-stream-check.ts";
import { tinyServerArgs } from "../helpers/tiny-server.ts";
import { requestsProcessing, until } from "./engine-proc.ts";

/**
 * The proxy in front of the real llama-server when things go wrong mid-stream (issue 14, item 15): the engine
 * dies and the client (Claude Code's SDK) gets an Anthropic `event: error` instead of a hang; the client goes
 * away and the engine stops generating for it.
 */
let engine: ResultPromise | undefined;
let proxy: RunningProxy | undefined;

async function start(): Promise<{ port: number; client: Anthropic }> {
  const port = await freePort();
  const { serverPath, args } = await tinyServerArgs(port);
  engine = execa(serverPath, args, { reject: false, stdio: "ignore" });
  await until("llama-server ready", () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200 || undefined, () => undefined), 60_000, 100);
  proxy = await startProxy({ upstream: `http://127.0.0.1:${port}/v1`, port: 0, context: 16384 });
  return { port, client: new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 }) };
}

afterEach(async () => {
  await proxy?.close();
  engine?.kill("SIGKILL");
  await engine;
  proxy = undefined;
  engine = undefined;
});

/** Long enough that the tiny model is still generating when the test strikes. */
const params = { model: "claude-sonnet-5-5", max_tokens: 2000, messages: [{ role: "user" as const, content: "Write a long story." }] };

describe("chaos: the proxy when the engine or the client goes away mid-stream", () => {
  it("the engine killed mid-stream: the SDK gets an `event: error` in the Anthropic envelope, not a hang", async () => {
    const { client } = await start();
    const stream = client.messages.stream(params);
    await new Promise<void>((resolve) => stream.once("text", () => resolve()));
    engine!.kill("SIGKILL");
    const t0 = Date.now();
    const error = await stream.finalMessage().then(() => undefined, (err: unknown) => err);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "api_error", message: expect.stringMatching(/engine's stream broke/) } });
  }, 180_000);

  it("on the wire: the stream's last frame is that error event, after message_start and the text so far", async () => {
    await start();
    const res = await fetch(`${proxy!.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...params, stream: true }) });
    // the engine dies once text is on its way (not after a fixed wait: a loaded machine may not have sent any yet)
    const all = await readSse(res, (frame) => {
      if (frame.event === "content_block_delta") engine!.kill("SIGKILL");
    });
    expect(all[0].event).toBe("message_start");
    expect(all.some((f) => f.event === "content_block_delta")).toBe(true);
    expect(all.at(-1)).toMatchObject({ event: "error", data: { type: "error", error: { type: "api_error" } } });
  }, 180_000);

  it("the client disconnects: the engine's active request count drops at once", async () => {
    const { port, client } = await start();
    const controller = new AbortController();
    const stream = client.messages.stream(params, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.once("text", () => resolve()));
    expect(await requestsProcessing(port)).toBe(1);
    controller.abort();
    await stream.done().catch(() => undefined);
    const t0 = Date.now();
    await until("requests_processing back to 0", async () => (await requestsProcessing(port)) === 0 || undefined, 5000, 50);
    expect(Date.now() - t0).toBeLessThan(5000);
    const slots = (await (await fetch(`http://127.0.0.1:${port}/slots`)).json()) as Array<{ is_processing: boolean }>;
    expect(slots.every((s) => !s.is_processing)).toBe(true);
  }, 180_000);
});
