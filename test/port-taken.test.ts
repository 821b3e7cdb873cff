import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { engineFor } from "../src/engines/registry.ts";
import { GridSchema } from "../src/grid/schema.ts";
import { localLauncher } from "../src/launchers/local.ts";
import { portOwner } from "../src/launchers/port-owner.ts";
import { simInfo } from "../src/client/sim-clock.ts";
import { streamChat } from "../src/client/openai-chat.ts";
import { monotonicClock } from "../src/client/types.ts";

/**
 * Regression: the lab picks a free port, the engine binds it a moment later; another process on the machine
 * (another lab's proxy) took it in between. Its /health answered 200, so the lab measured that server: the
 * simulator's startup fell back to wall time x K (504 s at K=1000) and every suite failed on its stream
 * ("data: {"id"... is not valid JSON": that server wrapped its events twice).
 */
let foreign: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve())));

/** Another process's server: healthy, and its streams carry `data: data: {...}` like the one in the failed run. */
function occupy(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/health") return void res.writeHead(200).end();
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('data: data: {"id":"x","choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

describe("an engine's port taken by another process", () => {
  it("the local launcher notices the foreign listener and starts the simulator again on a new port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-port-"));
    const grid = GridSchema.parse({ name: "p", engine: "vllm", model: "QuantTrio/GLM-4.7-Flash-AWQ", env: { VLLM_CACHE_ROOT: join(dir, "cache") }, args: { "max-num-seqs": 32, "max-num-batched-tokens": 32768, "gpu-memory-utilization": 0.3 }, suites: [{ kind: "decode" }] });
    const adapter = engineFor("sim");
    const ports: number[] = [];
    let pending: Promise<Server> | undefined;
    const logFile = join(dir, "engine.log");
    const handle = await localLauncher.start({
      render: (host, port) => {
        ports.push(port);
        // the first port is taken the moment the lab picked it (the real race takes seconds, here none)
        if (ports.length === 1) pending = occupy(port).then((s) => (foreign = s));
        return adapter.render({ grid, server: {}, host, port, binary: process.execPath, model: grid.model, simulation: { timeScale: 1000, hardware: "h200" } });
      },
      engine: adapter, runDir: dir, serverId: "s", gridName: "p", logFile, startupTimeoutMs: 60_000, stopTimeoutMs: 5_000, options: {},
    });
    try {
      await pending;
      expect(ports).toHaveLength(2);
      expect(handle.spec.port).toBe(ports[1]);
      const info = await simInfo(handle.spec.baseUrl);
      expect(info?.hardware).toBe("h200");
      expect(info?.startup_s).toBeLessThan(100); // the simulator's own startup, not wall time x 1000
      const r = await streamChat({ baseUrl: handle.spec.baseUrl }, { model: "QuantTrio/GLM-4.7-Flash-AWQ", messages: [{ role: "user", content: "hello" }], max_tokens: 8 }, monotonicClock());
      expect(r.error).toBeUndefined();
      expect(r.outputTokens).toBe(8);
      expect(readFileSync(logFile, "utf8")).toContain(`tunelab: port ${ports[0]} was taken by another process before the engine listened on it; starting again on a new port`);
    } finally {
      await handle.stop();
    }
  }, 90_000);

  it("port ownership: the engine's group owns its listener; a server older than the group is foreign", async () => {
    foreign = await occupy(0);
    const taken = (foreign.address() as { port: number }).port;
    const script = `const s = require("node:http").createServer(() => {}).listen(0, "127.0.0.1", () => console.log(s.address().port)); setTimeout(() => process.exit(0), 20000);`;
    const child = execa(process.execPath, ["-e", script], { detached: true, buffer: false });
    try {
      const port = await new Promise<number>((resolve) => child.stdout?.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
      const group = child.pid as number;
      expect(portOwner(port, group)).toBe("ours");
      expect(portOwner(taken, group)).toBe("foreign");
      foreign.close();
      foreign = undefined;
      expect(portOwner(taken, group)).toBe("unknown"); // nobody listens there any more
    } finally {
      child.kill("SIGKILL");
      await child.catch(() => undefined);
    }
  }, 30_000);
});
