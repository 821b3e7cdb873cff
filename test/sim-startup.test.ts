import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { loadHardwareProfile, SimExit, startSimServer } from "../src/sim/index.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/** Startup like vLLM: log lines, compile cache, fatal errors with their messages and exit codes, readiness. */
const SEED_001 = ["QuantTrio/GLM-4.7-Flash-AWQ", "-tp", "2", "-ep", "--max-model-len", "131072", "--max-num-batched-tokens", "32768", "--max-num-seqs", "64"];
const tempRoot = () => mkdtempSync(join(tmpdir(), "sim-startup-"));

function capture() {
  const stream = new PassThrough();
  const out = { stream, text: "" };
  stream.on("data", (d: Buffer) => (out.text += d.toString()));
  return out;
}

async function startOrExit(argv: string[], cacheRoot = tempRoot()) {
  const stdout = capture();
  const stderr = capture();
  try {
    const server = await startSimServer({ argv: [...argv, "--port", "0", "--host", "127.0.0.1", "--time-scale", "2000"], env: { VLLM_CACHE_ROOT: cacheRoot }, stdout: stdout.stream, stderr: stderr.stream });
    await server.close();
    return { exitCode: 0, stdout: stdout.text, stderr: stderr.text };
  } catch (err) {
    if (!(err instanceof SimExit)) throw err;
    return { exitCode: err.exitCode, stdout: stdout.text, stderr: stderr.text };
  }
}

const ENGINE_FAILED = "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}";

describe("simulated vLLM startup", () => {
  it("logs vLLM's startup lines in order with seed 001's values", async () => {
    const { exitCode, stdout } = await startOrExit(SEED_001);
    expect(exitCode).toBe(0);
    const expected = [
      /^INFO \d\d-\d\d \d\d:\d\d:\d\d \[[a-z_]+\.py:\d+\] vLLM API server version/,
      /Starting to load model QuantTrio\/GLM-4\.7-Flash-AWQ/,
      /Model loading took 8\.75 GiB memory and [\d.]+ seconds/,
      /torch\.compile took [\d.]+ s in total/,
      /Available KV cache memory: 11\.20 GiB/,
      /GPU KV cache size: 222,144 tokens/,
      /Maximum concurrency for 131072 tokens per request: 1\.69x/,
      /Graph capturing finished in \d+ secs/,
      /init engine \(profile, create kv cache, warmup model\) took [\d.]+ seconds/,
      /Starting vLLM server on http:\/\/127\.0\.0\.1:0/,
      /Application startup complete\./,
    ];
    const lines = stdout.split("\n");
    let at = -1;
    for (const pattern of expected) {
      const next = lines.findIndex((line, i) => i > at && pattern.test(line));
      expect(next, `${pattern} after line ${at}`).toBeGreaterThan(at);
      at = next;
    }
  });

  it("creates the torch.compile cache after the first start and loads from it on the next", async () => {
    const root = tempRoot();
    const first = await startOrExit(SEED_001, root);
    expect(first.stdout).toContain("Compiling a graph for dynamic shape takes");
    const dirs = readdirSync(join(root, "torch_compile_cache"));
    expect(dirs).toHaveLength(1);
    expect(existsSync(join(root, "torch_compile_cache", dirs[0], "rank_0_0", "backbone"))).toBe(true);
    const second = await startOrExit(SEED_001, root);
    expect(second.stdout).toContain("Directly load the compiled graph(s) for dynamic shape from the cache");
    const took = (out: string) => Number(/torch\.compile took ([\d.]+) s/.exec(out)![1]);
    expect(took(second.stdout)).toBeLessThan(took(first.stdout) / 3);
  });

  const fatal: Array<[string, string[], string, boolean]> = [
    ["gpu memory above what is free", ["--gpu-memory-utilization", "0.95"], "ValueError: Free memory on device (22.26/23.99 GiB) on startup is less than desired GPU memory utilization (0.95, 22.79 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.", true],
    ["no memory left for KV blocks", ["--gpu-memory-utilization", "0.4"], "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", true],
    ["KV cache smaller than max-model-len", ["--gpu-memory-utilization", "0.8", "--max-model-len", "200000"], "ValueError: To serve at least one request with the models's max seq len (200000), (10.09 GiB KV cache is needed, which is larger than the available KV cache memory (8.32 GiB). Based on the available memory, the estimated maximum model length is 165056.", true],
    ["FP8 KV cache on the 4090's MLA backend", ["--kv-cache-dtype", "fp8"], "NotImplementedError: TritonMLA V1 with FP8 KV cache not yet supported", true],
    ["simulated crash", ["--crash-at-startup"], "RuntimeError: CUDA error: an illegal memory access was encountered", true],
    ["max_num_batched_tokens < max_num_seqs", ["--max-num-batched-tokens", "2048", "--max-num-seqs", "4096"], "Value error, max_num_batched_tokens (2048) must be greater than or equal to max_num_seqs (4096).", false],
    ["max-model-len above the model's", ["--max-model-len", "300000"], "Value error, User-specified max_model_len (300000) is greater than the derived max_model_len (max_position_embeddings=202752", false],
    ["more GPUs than the machine has", ["-tp", "4"], "ValueError: World size (4) is larger than the number of available GPUs (2) in this node.", false],
  ];
  it.each(fatal)("fails like vLLM when %s (exit 1)", async (_name, flags, message, engineCore) => {
    const { exitCode, stdout, stderr } = await startOrExit([...SEED_001, ...flags]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("Traceback (most recent call last):");
    expect(stderr).toContain(message);
    expect(stdout).not.toContain("Application startup complete.");
    if (engineCore) {
      expect(stdout).toMatch(/^ERROR .* \[core\.py:\d+\] EngineCore failed to start\.$/m);
      expect(stderr.trimEnd().endsWith(ENGINE_FAILED)).toBe(true);
    } else {
      expect(stderr).not.toContain("Engine core initialization failed");
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("simulated vLLM as a process", () => {
  it("exits 1 with the root cause and `Engine core initialization failed` on stderr", async () => {
    const res = await execa("node", [BENCH_BIN, "sim", "serve", ...SEED_001, "--gpu-memory-utilization", "0.95", "--time-scale", "1000"], { reject: false, env: { VLLM_CACHE_ROOT: tempRoot() } });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain("on startup is less than desired GPU memory utilization (0.95, 22.79 GiB)");
    expect(res.stderr.endsWith(ENGINE_FAILED)).toBe(true);
  });

  it("refuses connections until the model is loaded, then answers /health", async () => {
    const scale = 25;
    const port = await freePort();
    const child = execa("node", [BENCH_BIN, "sim", "serve", ...SEED_001, "--host", "127.0.0.1", "--port", String(port), "--time-scale", String(scale)], { env: { VLLM_CACHE_ROOT: tempRoot() } });
    let firstLine: number | undefined;
    child.stdout?.once("data", () => (firstLine = performance.now()));
    const deadline = performance.now() + 30_000;
    let refused = 0;
    let readyAfterS = 0;
    try {
      while (performance.now() < deadline) {
        try {
          const res = await request(`http://127.0.0.1:${port}/health`);
          await res.body.dump();
          expect(res.statusCode).toBe(200);
          readyAfterS = ((performance.now() - firstLine!) / 1000) * scale;
          break;
        } catch (err) {
          expect((err as { code?: string }).code).toBe("ECONNREFUSED");
          refused++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      child.kill("SIGTERM");
    }
    const result = await child.catch((e: unknown) => e as { stdout: string; exitCode: number });
    const p = loadHardwareProfile();
    const loadS = p.model.weights_gib / 2 / p.startup.weights_gib_per_s + p.startup.dynamo_s.no_compile_cache + p.startup.inductor_s.no_compile_cache + p.startup.profile_s;
    expect(refused).toBeGreaterThan(10);
    expect(readyAfterS).toBeGreaterThan(loadS);
    expect(result.stdout).toContain("Application startup complete.");
    expect(result.exitCode).toBe(0);
  });
});
