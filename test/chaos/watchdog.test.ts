import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../src/util/paths.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { processesMatching } from "../helpers/engine-procs.ts";
import { until } from "./engine-proc.ts";

/**
 * No engine outlives bench (issue 14, item 17): when bench itself is SIGKILLed, the watchdog around each engine
 * sends TERM to its process group and, after launcher.stop_timeout_s, KILL, so even an engine that ignores TERM
 * is gone.
 */
describe("chaos: bench SIGKILLed while an engine that ignores SIGTERM runs", () => {
  it("the watchdog follows its TERM with KILL after stop_timeout_s", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-chaos-watchdog-"));
    const alias = `term-ignoring-${process.pid}`;
    const binary = join(dir, "stubborn-engine");
    writeFileSync(binary, `#!/bin/sh\nexec "${process.execPath}" "${packagePath("test/fixtures/term-ignoring-engine.mjs")}" "$@"\n`);
    chmodSync(binary, 0o755);
    const file = join(dir, "grid.yaml");
    writeFileSync(file, stringify({
      name: "stubborn", engine: "llamacpp", model: binary, binary, served_name: alias,
      suites: [{ kind: "chat", options: { requests: 1, prompt_tokens: 8, output_tokens: 8, warmup: 0, repetitions: 1 } }],
      launcher: { kind: "local", startup_timeout_s: 60, stop_timeout_s: 2 },
    }));
    const bench = execa("node", [BENCH_BIN, "grid", file, "--out", join(dir, "run"), "--progress", "plain"], { reject: false, all: true });
    await until("the engine answering its health check", async () => {
      const line = /term-ignoring-engine: listening on (\d+)/.exec(await readLog(dir));
      return line ? fetch(`http://127.0.0.1:${line[1]}/health`).then((r) => r.ok || undefined, () => undefined) : undefined;
    }, 60_000, 100);
    expect(processesMatching(alias).length).toBeGreaterThan(0);
    bench.kill("SIGKILL");
    await bench;
    const killedAt = Date.now();
    await until("the engine to be gone", () => processesMatching(alias).length === 0 || undefined, 20_000, 100);
    const gone = (Date.now() - killedAt) / 1000;
    expect(await readLog(dir)).toContain("SIGTERM ignored"); // it was asked politely first
    expect(gone).toBeGreaterThanOrEqual(1.5); // then killed after the grace period
  }, 120_000);
});

async function readLog(dir: string): Promise<string> {
  const r = await execa("sh", ["-c", `cat "${dir}"/run/logs/*.log 2>/dev/null`], { reject: false });
  return r.stdout;
}
