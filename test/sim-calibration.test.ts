import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { startSimServer, type SimServer } from "../src/sim/index.ts";
import { measureStream } from "../src/sim/probe.ts";
import { createRng } from "../src/sim/rng.ts";

/**
 * The 2x4090 profile reproduces seed 001's figures (REFERENCE.md section 6), measured like a client would:
 * streaming HTTP requests, wall time converted by the server's time scale, within 15%.
 */
const SEED_001 = ["QuantTrio/GLM-4.7-Flash-AWQ", "--served-model-name", "glm", "-tp", "2", "-ep", "--max-model-len", "131072", "--max-num-batched-tokens", "32768", "--max-num-seqs", "64"];
const AUTOTUNE_CC = ["-cc", '{"compile_sizes":["cudagraph_capture_sizes"],"inductor_compile_config":{"max_autotune":true,"coordinate_descent_tuning":true}}'];
const SEED_ENV = { VLLM_MARLIN_USE_ATOMIC_ADD: "1", VLLM_FLOAT32_MATMUL_PRECISION: "medium" };
const AUTOTUNE_ON = { ...SEED_ENV, VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE: "1", VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING: "1" };
const AUTOTUNE_OFF = { ...SEED_ENV, VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE: "0", VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING: "0" };

/**
 * Runs `fn` against a simulated server. Without an explicit cache root, a first start (instant at a huge time
 * scale) writes the torch.compile cache, as on a machine that served this configuration before.
 */
async function withServer<T>(flags: string[], env: Record<string, string>, timeScale: number, fn: (s: SimServer) => Promise<T>, cacheRoot?: string): Promise<T> {
  const root = cacheRoot ?? mkdtempSync(join(tmpdir(), "sim-cal-"));
  const start = async (scale: number) => {
    const out = new PassThrough().resume();
    const argv = [...SEED_001, ...flags, "--host", "127.0.0.1", "--port", "0", "--time-scale", String(scale), "--startup-time-scale", "2000"];
    return startSimServer({ argv, env: { VLLM_CACHE_ROOT: root, ...env }, stdout: out, stderr: out });
  };
  if (!cacheRoot) await (await start(2000)).close();
  const server = await start(timeScale);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** A prompt of about n tokens of fresh lowercase words (one simulated token each). */
function words(n: number, seed: number): string {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rng() * 6) }, () => String.fromCharCode(97 + Math.floor(rng() * 26))).join("")).join(" ");
}

const chat = (content: string, maxTokens: number) => ({ model: "glm", messages: [{ role: "user", content }], max_tokens: maxTokens, ignore_eos: true });
const stream = (s: SimServer, body: Record<string, unknown>) => measureStream(s.url, "/v1/chat/completions", body);

/** Like the seed's warmup script: the first prefill, and (`upTo`) the prompt-size buckets up to 32k tokens. */
async function warmup(s: SimServer, upTo = 0): Promise<void> {
  for (const n of [10, 30_000].filter((n) => n <= Math.max(10, upTo))) await stream(s, chat(words(n, n), 2));
}

async function decodeRates(s: SimServer): Promise<{ single: number; aggregate5: number }> {
  await warmup(s);
  const one = await stream(s, chat("Write a long story.", 300));
  const start = performance.now();
  const five = await Promise.all(Array.from({ length: 5 }, (_, i) => stream(s, chat(`Write story number ${i}.`, 300))));
  const simS = ((performance.now() - start) / 1000) * s.config.timeScale;
  const tokens = five.reduce((sum, r) => sum + (r.usage?.completion_tokens ?? 0), 0);
  return { single: 1 / one.tpotS, aggregate5: tokens / simS };
}

function expectWithin(measured: number, target: number, tolerance = 0.15): void {
  expect(measured, `${measured.toFixed(3)} vs ${target}`).toBeGreaterThan(target * (1 - tolerance));
  expect(measured, `${measured.toFixed(3)} vs ${target}`).toBeLessThan(target * (1 + tolerance));
}

describe("calibration to seed 001 (GLM-4.7-Flash AWQ, 2x RTX 4090)", () => {
  it("decode: 55 tok/s single user and 216 tok/s at 5 users with autotune; 45 and -30% without; eager 3-4x slower", async () => {
    const on = await withServer(AUTOTUNE_CC, AUTOTUNE_ON, 10, decodeRates);
    const off = await withServer([], AUTOTUNE_OFF, 10, decodeRates);
    const eager = await withServer(["--enforce-eager"], AUTOTUNE_OFF, 10, async (s) => {
      await stream(s, chat("warm", 2));
      return 1 / (await stream(s, chat("Write a long story.", 200))).tpotS;
    });
    expectWithin(on.single, 55);
    expectWithin(on.aggregate5, 216);
    expectWithin(off.single, 45);
    expectWithin(on.aggregate5 / off.aggregate5, 1.3);
    expectWithin(eager, 12);
    const slowdown = off.single / eager;
    expect(slowdown).toBeGreaterThanOrEqual(3);
    expect(slowdown).toBeLessThanOrEqual(4);
  });

  it("prefix caching: a long repeated prompt drops from ~14 s to ~1.4 s TTFT", async () => {
    await withServer(AUTOTUNE_CC, AUTOTUNE_ON, 5, async (s) => {
      await warmup(s, 30_000);
      const prompt = words(124_000, 1);
      const cold = await stream(s, chat(prompt, 2));
      const cached = await stream(s, chat(prompt, 2));
      expect(cold.usage?.prompt_tokens).toBeGreaterThan(120_000);
      expectWithin(cold.ttftS, 14);
      expectWithin(cached.ttftS, 1.4);
    });
  });

  it("TTFT after warmup: 0.49 s for a 30k prompt the warmup already primed", async () => {
    await withServer(AUTOTUNE_CC, AUTOTUNE_ON, 2, async (s) => {
      const prompt = words(30_000, 30_000);
      await stream(s, chat("hi", 2));
      await stream(s, chat(prompt, 2));
      const ttfts = [];
      for (let i = 0; i < 3; i++) ttfts.push((await stream(s, chat(prompt, 2))).ttftS);
      expectWithin(ttfts.sort()[1], 0.49);
    });
  });

  it("first request after restart: ~1.7 s with the persistent compile cache, 10-14 s without", async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), "sim-cal-restart-"));
    const firstTtft = (s: SimServer) => stream(s, chat("hello", 2)).then((r) => r.ttftS);
    const withoutCache = await withServer(AUTOTUNE_CC, AUTOTUNE_ON, 10, firstTtft, cacheRoot);
    const withCache = await withServer(AUTOTUNE_CC, AUTOTUNE_ON, 5, firstTtft, cacheRoot);
    expect(withoutCache).toBeGreaterThan(10);
    expect(withoutCache).toBeLessThan(14);
    expectWithin(withCache, 1.7);
  });
});
