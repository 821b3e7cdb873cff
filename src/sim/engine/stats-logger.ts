import type { VllmLogger } from "../log.ts";
import type { SimEngine } from "./engine.ts";

/** vLLM's LoggingStatLogger: every VLLM_LOG_STATS_INTERVAL (simulated) seconds, quiet while idle. */
export function startStatsLogger(engine: SimEngine, logger: VllmLogger, intervalS: number, timeScale: number): () => void {
  let last = { prompt: 0, generation: 0 };
  const timer = setInterval(() => {
    const now = engine.stats.takeInterval();
    const prompt = now.prompt / intervalS;
    const generation = now.generation / intervalS;
    const active = prompt || generation || last.prompt || last.generation;
    last = { prompt, generation };
    if (!active) return;
    const s = engine.scheduler;
    logger.info(
      "loggers.py:127",
      `Engine 000: Avg prompt throughput: ${prompt.toFixed(1)} tokens/s, Avg generation throughput: ${generation.toFixed(1)} tokens/s, ` +
        `Running: ${s.running.length} reqs, Waiting: ${s.waiting.length} reqs, GPU KV cache usage: ${(engine.kv.usage() * 100).toFixed(1)}%, ` +
        `Prefix cache hit rate: ${(engine.stats.prefixHitRate() * 100).toFixed(1)}%`,
    );
  }, (intervalS * 1000) / timeScale);
  timer.unref();
  return () => clearInterval(timer);
}
