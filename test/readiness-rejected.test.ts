import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { llamaCppAdapter } from "../src/engines/llamacpp.ts";
import type { LaunchSpec } from "../src/engines/types.ts";
import { localLauncher } from "../src/launchers/local.ts";
import { StartupFailure } from "../src/launchers/types.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/**
 * A stand-in engine (edge case the real engines cannot produce: their /health needs no key): it logs a line,
 * then answers every request with `status`, as a server behind an auth gateway or on the wrong path would.
 */
function fakeEngine(host: string, port: number, status: number): LaunchSpec {
  const script = `console.log("fake engine: listening, every answer is ${status}");
    require("node:http").createServer((q, s) => s.writeHead(${status}, {"content-type":"application/json"}).end('{"error":"no key"}')).listen(${port}, "${host}");`;
  return {
    engine: "llamacpp", command: process.execPath, args: ["-e", script], env: {}, host, port, baseUrl: `http://${host}:${port}`, servedName: "m",
    readiness: { path: "/health", loadingStatuses: [503] },
    capabilities: { openaiChat: true, anthropicMessages: false, tokenize: null, resetPrefixCache: null, metrics: null },
  };
}

async function start(status: number) {
  const logFile = join(mkdtempSync(join(tmpdir(), "tunelab-ready-")), "engine.log");
  const started = Date.now();
  const error = await localLauncher.start({
    render: (host, port) => fakeEngine(host, port, status), engine: llamaCppAdapter, runDir: tmpdir(), serverId: "s", gridName: "g",
    logFile, startupTimeoutMs: 30_000, stopTimeoutMs: 5_000, options: {},
  }).then(async (handle) => {
    await handle.stop();
    return undefined;
  }, (err: unknown) => err);
  return { error, seconds: (Date.now() - started) / 1000 };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("readiness: only loading statuses and refused connections mean 'not yet'", () => {
  it("an engine answering 401 on /health fails at once with the status and the log tail, not at the 30 s timeout", async () => {
    const { error, seconds } = await start(401);
    expect(error).toBeInstanceOf(StartupFailure);
    const f = error as StartupFailure;
    expect(f.failureCause).toBe("readiness_rejected");
    expect(f.message).toMatch(/\/health answered 401 while starting, which is not a loading status: \{"error":"no key"\}/);
    expect(f.logTail).toContain("fake engine: listening, every answer is 401");
    expect(seconds).toBeLessThan(10);
  });

  it("a 404 on /health fails at once too", async () => {
    const { error, seconds } = await start(404);
    expect((error as StartupFailure).message).toMatch(/answered 404/);
    expect(seconds).toBeLessThan(10);
  });

  it("bench warmup --wait against a server answering 401 says so at once (exit 1), not after --timeout", async () => {
    server = createServer((req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid api key"}'));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    const r = await execa(process.execPath, [BENCH_BIN, "warmup", "--wait", "--url", url, "--timeout", "60"], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: .* \/health answered 401: \{"error":"invalid api key"\}/m);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
