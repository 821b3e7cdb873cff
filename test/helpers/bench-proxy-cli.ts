import { execa, type ResultPromise } from "execa";
import { BENCH_BIN } from "./bench-cli.ts";

export interface BenchProxy {
  /** Base URL for Claude Code (ANTHROPIC_BASE_URL). */
  url: string;
  /** Everything the proxy printed on stderr so far (request lines, notices). */
  log(): string;
  /** SIGTERM, as Ctrl-C would; resolves with the exit code once the proxy has closed (and printed its summary). */
  stop(): Promise<number | undefined>;
}

/** Runs `bench proxy --upstream URL --port 0 ...` as its own process, exactly as a user starts it. */
export async function startBenchProxy(upstreamUrl: string, args: string[] = []): Promise<BenchProxy> {
  const child: ResultPromise = execa(process.execPath, [BENCH_BIN, "proxy", "--upstream", upstreamUrl, "--port", "0", ...args], {
    reject: false,
    stdin: "ignore",
    env: { ...process.env, NO_COLOR: "1" },
  });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench proxy did not start:\n${log}`)), 30_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
      const found = /listening on (http:\/\/\S+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`bench proxy exited (${result.exitCode}) before listening:\n${log}`));
    });
  });
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await child;
      clearTimeout(timer);
      return result.exitCode;
    },
  };
}
