import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy } from "../src/proxy/index.ts";
import { basicParams, post, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { readSse } from "./helpers/proxy-stream-check.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function envelope(res: Response) {
  return { status: res.status, body: (await res.json()) as { type: string; error: { type: string; message: string } } };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("proxy front: auth and request errors", () => {
  it("requires the key when one is set: x-api-key or Bearer, 401 envelope otherwise; health stays open", async () => {
    h = await startHarness({}, { apiKey: "s3cret-key" });
    expect((await h.client.messages.create(basicParams)).content).toHaveLength(1);
    expect((await post(h.url, "/v1/messages", basicParams, { authorization: "Bearer s3cret-key" })).status).toBe(200);
    for (const headers of <Record<string, string>[]>[{}, { "x-api-key": "wrong" }, { authorization: "Bearer s3cret-kez" }, { "x-api-key": "s3cret-key-longer" }]) {
      expect(await envelope(await post(h.url, "/v1/messages", basicParams, headers))).toEqual({
        status: 401,
        body: { type: "error", error: { type: "authentication_error", message: expect.any(String) } },
      });
    }
    expect((await fetch(`${h.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    expect((await fetch(`${h.url}/`, { method: "HEAD" })).status).toBe(200);
  });

  it("refuses bodies over 32 MB with 413, declared or streamed", async () => {
    h = await startHarness();
    const huge = JSON.stringify({ ...basicParams, messages: [{ role: "user", content: "x".repeat(33 * 1024 * 1024) }] });
    expect(await envelope(await post(h.url, "/v1/messages", huge))).toMatchObject({ status: 413, body: { error: { type: "request_too_large" } } });
    await h.close();
    h = await startHarness({}, { maxBodyBytes: 1000 });
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ ...basicParams, messages: [{ role: "user", content: "y".repeat(5000) }] })));
        controller.close();
      },
    });
    const res = await fetch(`${h.url}/v1/messages`, { method: "POST", body: chunked, duplex: "half" } as RequestInit);
    expect(await envelope(res)).toMatchObject({ status: 413, body: { error: { type: "request_too_large" } } });
    expect(h.chats()).toHaveLength(0);
  });

  it("answers malformed JSON and schema violations with 400 naming the field", async () => {
    h = await startHarness();
    expect(await envelope(await post(h.url, "/v1/messages", '{"model": "x",'))).toMatchObject({
      status: 400,
      body: { error: { type: "invalid_request_error", message: expect.stringContaining("not valid JSON") } },
    });
    const cases: [object, string][] = [
      [{ model: "x", messages: [] }, "max_tokens"],
      [{ ...basicParams, messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages.0.content"],
      [{ ...basicParams, messages: [{ role: "robot", content: "hi" }] }, "messages.0.role"],
      [{ ...basicParams, tool_choice: { type: "sometimes" } }, "tool_choice"],
    ];
    for (const [body, field] of cases) {
      const { status, body: answer } = await envelope(await post(h.url, "/v1/messages", body));
      expect(status).toBe(400);
      expect(answer.error.type).toBe("invalid_request_error");
      expect(answer.error.message.startsWith(field)).toBe(true);
    }
    expect(await envelope(await fetch(`${h.url}/v1/complete`))).toMatchObject({ status: 404, body: { error: { type: "not_found_error" } } });
    expect(h.chats()).toHaveLength(0);
  });
});

describe("proxy upstream faults", () => {
  it("maps a refused engine to 529 overloaded_error, streaming or not", async () => {
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${await closedPort()}/v1`, port: 0, context: 8192, modelMap: ["*=m"] });
    try {
      for (const stream of [false, true]) {
        expect(await envelope(await post(proxy.url, "/v1/messages", { ...basicParams, stream }))).toMatchObject({
          status: 529,
          body: { type: "error", error: { type: "overloaded_error", message: expect.stringContaining("unreachable") } },
        });
      }
    } finally {
      await proxy.close();
    }
  });

  it("maps engine statuses into the envelope: 5xx -> 502, 503 -> 529, context overflow -> 400 prompt is too long, 401 -> 502", async () => {
    const cases: [number, object, number, string, string][] = [
      [500, { error: { message: "CUDA error", type: "InternalServerError", code: 500 } }, 502, "api_error", "CUDA error"],
      [503, { error: { code: 503, message: "Loading model", type: "unavailable_error" } }, 529, "overloaded_error", "Loading model"],
      [400, { error: { code: 400, message: "request (40000 tokens) exceeds the available context size (32768 tokens)", type: "exceed_context_size_error", n_prompt_tokens: 40000, n_ctx: 32768 } }, 400, "invalid_request_error", "prompt is too long"],
      [400, { object: "error", message: "This model's maximum context length is 32768 tokens.", type: "BadRequestError", code: 400 }, 400, "invalid_request_error", "prompt is too long"],
      [401, { error: "Unauthorized" }, 502, "api_error", "--upstream-key-env"],
      [429, { error: { message: "slow down" } }, 429, "rate_limit_error", "slow down"],
    ];
    h = await startHarness();
    for (const [status, errorBody, expected, type, text] of cases) {
      h.upstream.setScript(() => ({ status, errorBody }));
      for (const stream of [false, true]) {
        const { status: got, body } = await envelope(await post(h.url, "/v1/messages", { ...basicParams, stream }));
        expect({ got, type: body.error.type }).toEqual({ got: expected, type });
        expect(body.error.message).toContain(text);
      }
    }
  });

  it("reports an engine failure after the stream committed as `event: error`", async () => {
    h = await startHarness({ script: () => ({ headersDelayMs: 150, status: 500, errorBody: { error: { message: "died" } } }) }, { streamCommitMs: 10 });
    const res = await post(h.url, "/v1/messages", { ...basicParams, stream: true });
    expect(res.status).toBe(200);
    const frames = await readSse(res);
    expect(frames[0].event).toBe("message_start");
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { type: "error", error: { type: "api_error", message: expect.stringContaining("died") } } });
  });

  it("never writes keys or bodies to its log", async () => {
    const lines: string[] = [];
    h = await startHarness({}, { apiKey: "front-secret-123", upstreamKey: "engine-secret-456", log: (line) => lines.push(line) });
    await post(h.url, "/v1/messages?beta=true", { ...basicParams, messages: [{ role: "user", content: "body-marker-789" }] }, { "x-api-key": "front-secret-123" });
    await post(h.url, "/v1/messages", basicParams, { "x-api-key": "wrong-key-000" });
    expect(h.chats()[0].headers.authorization).toBe("Bearer engine-secret-456");
    await expect.poll(() => lines.length).toBe(2);
    expect(lines.join("\n")).not.toMatch(/secret|marker|wrong-key/);
    expect(lines[0]).toMatch(/^POST \/v1\/messages 200 \d+ms$/);
  });
});
