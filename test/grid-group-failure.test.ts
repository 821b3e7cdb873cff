import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { loadGrid } from "../src/grid/load.ts";
import { runGrid } from "../src/lab/run-grid.ts";
import { silentProgress, type ProgressObserver } from "../src/progress/observer.ts";
import { processesMatching } from "./helpers/engine-procs.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-group-throw-"));
const served = `group-throw-${process.pid}`;

/** Three engine configurations run one at a time on the simulator. */
function grid(): string {
  const file = join(dir, "three.yaml");
  writeFileSync(file, [
    "name: group-throw", "engine: vllm", "model: QuantTrio/GLM-4.7-Flash-AWQ", `served_name: ${served}`,
    "args: { tensor-parallel-size: 2, max-model-len: 8192 }", `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")} }`,
    "matrix: { max-num-seqs: [8, 16, 32] }",
    "suites: [{ kind: chat, options: { requests: 1, prompt_tokens: 32, output_tokens: 4, warmup: 0, repetitions: 1 } }]",
    "launcher: { kind: local, startup_timeout_s: 120, parallel: 1 }", "",
  ].join("\n"));
  return file;
}

describe("an unexpected throw in one server group", () => {
  it("stops the run: queued groups never start an engine, and none is left running", async () => {
    const starts: string[] = [];
    let thrown = false;
    const progress: ProgressObserver = {
      ...silentProgress,
      phase: (text) => text === "starting" && starts.push(text),
      pointEnd: () => {
        if (thrown) return;
        thrown = true;
        throw new Error("the observer broke"); // any unexpected error inside a group (disk, bug, ...)
      },
    };
    const run = runGrid(loadGrid(grid()), { simulate: true, timeScale: 50, out: join(dir, "run"), progress, signal: new AbortController().signal });
    await expect(run).rejects.toThrow("the observer broke");
    await sleep(8000); // queued groups, had they been left running, would have started their engines by now
    expect(starts).toHaveLength(1);
    expect(processesMatching(served)).toEqual([]);
  }, 120_000);
});
