/**
 * CLI start time: `npx tsx bench/cli-start.bench.ts` (or `npm run bench:self`).
 *
 * Spawns the `bench` executable that package.json's `bin` names, as a user's shell would, and compares the
 * wall time of `bench --version` and `bench grid --help` with `node -e 0` measured in the same run (a ratio,
 * because absolute milliseconds move with the machine's load). Target: each within 3x `node -e 0`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { packagePath } from "../src/util/paths.ts";

const TARGET_RATIO = 3;
const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { bin: Record<string, string> };
const bin = join(packagePath(), pkg.bin.bench);

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
}

const bench = new Bench({ name: "CLI start (wall time, spawned like a shell does)", time: 0, iterations: Number(process.env.CLI_BENCH_ITERATIONS ?? 15), warmupIterations: 2 });
bench.add("node -e 0", () => run(["-e", "0"]));
bench.add("bench --version", () => run([bin, "--version"]));
bench.add("bench grid --help", () => run([bin, "grid", "--help"]));
await bench.run();

const median = (name: string) => {
  const r = bench.getTask(name)?.result;
  return r && "latency" in r ? r.latency.p50 ?? NaN : NaN;
};
const base = median("node -e 0");
console.log(`${bench.name}; bin: ${pkg.bin.bench}`);
for (const task of bench.tasks) {
  const ms = median(task.name);
  const ratio = ms / base;
  const verdict = task.name === "node -e 0" ? "" : `  (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "ok" : "OVER"})`;
  console.log(`${task.name.padEnd(22)} median ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2).padStart(5)}x node -e 0${verdict}`);
}
