import { execa, type ResultPromise } from "execa";
import { freePort } from "../../src/launchers/ports.ts";
import { testEngine } from "../../src/setup/index.ts";
import type { Target } from "../../src/suites/types.ts";

export interface TinyServer {
  baseUrl: string;
  port: number;
  target: Target;
  stop(): Promise<void>;
}

/** Command line of the real tiny-model llama-server the suite tests run against. */
export async function tinyServerArgs(port: number, extra: string[] = []): Promise<{ serverPath: string; args: string[] }> {
  const { serverPath, modelPath } = await testEngine();
  return { serverPath, args: ["-m", modelPath, "-a", "tiny", "--host", "127.0.0.1", "--port", String(port), "-c", "16384", "--metrics", "--jinja", "-np", "2", "-t", "2", ...extra] };
}

/** Starts llama-server with the tiny model and waits for /health 200; stop() kills it (only this process). */
export async function startTinyServer(extra: string[] = []): Promise<TinyServer> {
  const port = await freePort();
  const { serverPath, args } = await tinyServerArgs(port, extra);
  const proc: ResultPromise = execa(serverPath, args, { reject: false, stdio: "ignore" });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill("SIGKILL");
      throw new Error(`llama-server did not become ready on ${baseUrl}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const target: Target = {
    baseUrl, model: "tiny", engine: "llamacpp", path: "direct", timeScale: 1,
    capabilities: { openaiChat: true, anthropicMessages: true, tokenize: "llamacpp", resetPrefixCache: "llamacpp-slots", metrics: "llamacpp" },
  };
  return {
    baseUrl, port, target,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc;
      clearTimeout(timer);
    },
  };
}
