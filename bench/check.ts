/**
 * `npm run bench:check`, the last step of `npm test` (so CI runs it): brief runs of the client and proxy
 * benchmarks that fail on figures measured in the same run, since absolute microseconds move with a shared
 * machine's load and ratios do not:
 * - our Anthropic client's CPU per event at most 0.6x that of @anthropic-ai/sdk on the same stream;
 * - the proxy's added TTFT p50 at 1 stream (through the proxy minus direct, both measured here) at most 1 ms.
 * `npm run bench:self` runs the full benchmarks and prints every figure without failing.
 */
import { measureClientCpu } from "./client.bench.ts";
import { openRig } from "./proxy.bench.ts";

const CLIENT_RATIO_MAX = 0.6;
const PROXY_ADDED_TTFT_MS_MAX = 1;
const EVENTS_PER_ROUND = Number(process.env.BENCH_CHECK_EVENTS ?? 40_000);

const failures: string[] = [];
const verdict = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok ? "ok" : "OVER";
};

const cpu = await measureClientCpu(EVENTS_PER_ROUND, 3);
const ratio = cpu.messages / cpu.sdk;
console.log(`client CPU per event (median of 3 rounds of ${EVENTS_PER_ROUND} events): tunelab Anthropic ${cpu.messages.toFixed(2)} us, @anthropic-ai/sdk ${cpu.sdk.toFixed(2)} us, tunelab OpenAI chat ${cpu.chat.toFixed(2)} us`);
console.log(`  ratio tunelab/SDK on the same stream: ${ratio.toFixed(2)}x (limit ${CLIENT_RATIO_MAX}x: ${verdict(ratio <= CLIENT_RATIO_MAX, `client CPU ratio ${ratio.toFixed(2)}x > ${CLIENT_RATIO_MAX}x`)})`);

const rig = await openRig();
try {
  const one = await rig.ttftCase(1, 200, 4, 0);
  console.log(`proxy TTFT p50 at 1 stream: direct ${one.direct.toFixed(3)} ms, via proxy ${one.viaProxy.toFixed(3)} ms`);
  console.log(`  added: ${one.added.toFixed(3)} ms (limit ${PROXY_ADDED_TTFT_MS_MAX} ms: ${verdict(one.added <= PROXY_ADDED_TTFT_MS_MAX, `proxy added TTFT ${one.added.toFixed(3)} ms > ${PROXY_ADDED_TTFT_MS_MAX} ms`)})`);
} finally {
  await rig.close();
}

if (failures.length) {
  console.error(`bench:check failed: ${failures.join("; ")}`);
  process.exit(1);
}
