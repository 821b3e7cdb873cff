import { execa, type ResultPromise } from "execa";
import { freePort } from "../../src/launchers/ports.ts";
import { ensureTinyHfModel } from "../../src/setup/tiny-hf.ts";
import { ensureVllm } from "../../src/setup/vllm.ts";

export interface RealVllm {
  baseUrl: string;
  /** Seconds from spawn to /health 200. */
  startupS: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts the real vLLM CPU build (`bench setup vllm`) on the tiny HF model, in its own process group. */
export async function startRealVllm(extra: string[] = [], env: Record<string, string> = {}): Promise<RealVllm> {
  const { executable } = await ensureVllm();
  const { path: model } = await ensureTinyHfModel();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = "";
  const t0 = Date.now();
  const proc: ResultPromise = execa(executable, ["serve", model, "--host", "127.0.0.1", "--port", String(port), "--served-model-name", "tiny", "--max-model-len", "4096", ...extra], {
    reject: false, detached: true, stdin: "ignore", buffer: false, all: true,
    env: { HF_HUB_OFFLINE: "1", VLLM_CPU_KVCACHE_SPACE: "1", VLLM_SERVER_DEV_MODE: "1", ...env },
  });
  proc.all?.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    try {
      process.kill(-proc.pid!, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 15_000);
    await proc;
    clearTimeout(timer);
  };
  while (true) {
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (proc.exitCode !== null || Date.now() - t0 > 900_000) {
      await stop();
      throw new Error(`vLLM did not become ready on ${baseUrl}:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { baseUrl, startupS: (Date.now() - t0) / 1000, log: () => log, stop };
}

/** `vllm serve`'s live argparse table, dumped by scripts/vllm-serve-flags.py with the venv's Python. */
export async function realServeFlags(): Promise<{ vllm: string; actions: Array<{ options?: string[]; action?: string }> }> {
  const { venv } = await ensureVllm();
  const r = await execa(`${venv}/bin/python`, ["scripts/vllm-serve-flags.py"], { env: { HF_HUB_OFFLINE: "1" }, stdin: "ignore" });
  return JSON.parse(String(r.stdout));
}
