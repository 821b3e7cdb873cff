import { readFileSync } from "node:fs";
import { processesMatching } from "../helpers/engine-procs.ts";

export interface EngineProc {
  pid: number;
  port: number;
}

/** The engine process whose command line carries `alias` and starts with `binary` (not its watchdog shell). */
export function engineProc(alias: string, binary: string): EngineProc | undefined {
  for (const pid of processesMatching(alias)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0] !== binary) continue;
      return { pid, port: Number(argv[argv.indexOf("--port") + 1]) };
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/** llama.cpp's `llamacpp:requests_processing` gauge (requests in flight), or undefined when /metrics does not answer. */
export async function requestsProcessing(port: number): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    const m = /^llamacpp:requests_processing (\d+)/m.exec(await res.text());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until `check` returns a value (polled every `intervalMs`), or throws after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
