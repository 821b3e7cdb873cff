/**
 * The tuner against exhaustive ground truth (issue 13): `npx tsx bench/tune.bench.ts [space...]`.
 *
 * Spaces: glm-4090 (grids/glm-4090.yaml on the calibrated 2x RTX 4090 simulator profile, 96 points), h200
 * (grids/h200-vllm.yaml on the h200 profile, 144 points), quickstart (grids/quickstart.yaml on the real
 * llama-server: it checks that the tuner works on a real engine, not that it saves budget). For each: the
 * exhaustive run, then `bench tune` (halving, 35%) with seeds 1..10 (TUNE_BENCH_SEEDS). Targets: the chosen
 * configuration within 3% of the exhaustive winner's objective in >= 9 of 10 runs, using <= 35% of the
 * exhaustive engine-seconds. Prints both figures per space; exits 1 when a simulated space misses a target.
 */
import { setMaxListeners } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadGrid } from "../src/grid/load.ts";
import { silentProgress } from "../src/progress/observer.ts";
import { evaluateTuner } from "../src/tune/evaluate.ts";

const SPACES: Record<string, { file: string; hardware?: string; simulate: boolean; seeds: number; objective?: string }> = {
  "glm-4090": { file: "grids/glm-4090.yaml", simulate: true, seeds: 10 },
  h200: { file: "grids/h200-vllm.yaml", hardware: "h200", simulate: true, seeds: 10 },
  quickstart: { file: "grids/quickstart.yaml", simulate: false, seeds: 2 },
};

const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SPACES);
const seedCount = Number(process.env.TUNE_BENCH_SEEDS ?? 0);
let missed = false;
for (const name of chosen) {
  const space = SPACES[name];
  if (!space) throw new Error(`unknown space ${name}; known: ${Object.keys(SPACES).join(", ")}`);
  // TUNE_BENCH_DIR_<space> reuses an earlier evaluation's directory (its warmed cache and exhaustive trials)
  const reuse = process.env[`TUNE_BENCH_DIR_${name.replace(/[^A-Za-z0-9]/g, "_")}`];
  const out = reuse ?? mkdtempSync(join(tmpdir(), `tune-bench-${name}-`));
  process.env.VLLM_CACHE_ROOT = join(out, "vllm-cache");
  const loaded = loadGrid(space.file);
  const seeds = Array.from({ length: seedCount || space.seeds }, (_, i) => i + 1);
  const started = performance.now();
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // one listener per request in flight
  const e = await evaluateTuner(loaded, {
    seeds, strategy: "halving", budget: "35%", simulate: space.simulate, timeScale: 1000, hardware: space.hardware, out,
    progress: silentProgress, signal, reuse: reuse !== undefined,
  });
  const minutes = ((performance.now() - started) / 60000).toFixed(1);
  process.stdout.write(`${name}: exhaustive best ${e.best} (server ${e.bestConfig}), ${Math.round(e.exhaustiveS)} engine-seconds; ${minutes} min wall, runs under ${out}\n`);
  for (const s of e.seeds) process.stdout.write(`  seed ${s.seed}: winner ${s.winner ?? "-"} objective ${s.value ?? "-"} ${s.within ? "within 3%" : "NOT within 3%"}, ${(s.share * 100).toFixed(1)}% of the exhaustive engine-seconds\n`);
  const target = e.withinCount >= Math.ceil(0.9 * e.seeds.length) && e.maxShare <= 0.35;
  process.stdout.write(`${name}: within 3% in ${e.withinCount}/${e.seeds.length} runs; engine-seconds at most ${(e.maxShare * 100).toFixed(1)}% of exhaustive (targets: >= 90%, <= 35%) ${target ? "MET" : "MISSED"}\n`);
  if (space.simulate && !target) missed = true;
}
process.exit(missed ? 1 : 0);
