import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineApiKey } from "../src/engines/api-key.ts";
import { llamaCppAdapter } from "../src/engines/llamacpp.ts";
import { vllmAdapter } from "../src/engines/vllm.ts";
import { parseGrid } from "../src/grid/load.ts";
import { RunStore } from "../src/results/run-store.ts";
import { isSecretName, redactArgs, redactEnv, redactGrid, redactText, registerSecret } from "../src/util/secrets.ts";

describe("what counts as a secret", () => {
  it("names: key, token, secret, password words, not parameters that merely count tokens", () => {
    for (const name of ["api-key", "VLLM_API_KEY", "HF_TOKEN", "hf-token", "apiKey", "db_password", "client_secret", "--api-key"]) expect(isSecretName(name), name).toBe(true);
    for (const name of ["max-num-batched-tokens", "prompt_tokens", "output_tokens", "cache-type-k", "VLLM_CACHE_ROOT", "keyfile"]) expect(isSecretName(name), name).toBe(false);
  });
  it("shapes: sk-, hf_, ghp_, JWTs, URL passwords and Bearer tokens are redacted wherever they appear", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlLXBhcnQ";
    const text = `key sk-ant-abcdefgh12345 token hf_abcdefghijkl gh ghp_abcdefghijklmnopqrst jwt ${jwt} url http://me:hunter22@host:1/x auth: Bearer abcdef123456`;
    expect(redactText(text)).toBe("key <redacted> token <redacted> gh <redacted> jwt <redacted> url http://me:<redacted>@host:1/x auth: Bearer <redacted>");
  });
  it("registered values are redacted in any text; short ones are not registered", () => {
    registerSecret("plainButSecret42");
    registerSecret("1");
    expect(redactText("a plainButSecret42 b 1")).toBe("a <redacted> b 1");
  });
});

describe("structured redaction", () => {
  it("a grid keeps its shape: every literal env value, secret-named args, matrix values and options are redacted", () => {
    const grid = parseGrid([
      "name: g", "engine: vllm", "model: m", "args: { api-key: abc123456, max-num-batched-tokens: 8192 }",
      'env: { HF_TOKEN: "${HF_TOKEN}", CACHE: /data/cache, PLAIN: somevalue, DEFAULTED: "${X:-hf_abcdefghij}" }',
      "matrix: { hf-token: [tokA1234, tokB1234], gpu-memory-utilization: [0.9] }", "suites: [{ kind: chat }]",
    ].join("\n"));
    const r = redactGrid(grid);
    expect(r.args).toEqual({ "api-key": "<redacted>", "max-num-batched-tokens": 8192 });
    expect(r.env).toEqual({ HF_TOKEN: "${HF_TOKEN}", CACHE: "<redacted>", PLAIN: "<redacted>", DEFAULTED: "<redacted>" });
    expect(r.matrix).toEqual({ "hf-token": ["<redacted>", "<redacted>"], "gpu-memory-utilization": [0.9] });
  });
  it("command lines and env as --dry-run shows them", () => {
    expect(redactArgs(["serve", "m", "--api-key", "abc123456", "--hf-token", "${HF_TOKEN}", "--port", "8000"])).toEqual(["serve", "m", "--api-key", "<redacted>", "--hf-token", "${HF_TOKEN}", "--port", "8000"]);
    expect(redactEnv({ A: "${A}", B: "x" })).toEqual({ A: "${A}", B: "<redacted>" });
  });
  it("an engine log copied into the run is rewritten without the secrets the run knows of", () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-log-"));
    const store = new RunStore(dir, []);
    registerSecret("loggedSecret9876");
    writeFileSync(store.logFile("s1"), "INFO non-default args: {'api_key': ['loggedSecret9876'], 'hf_token': 'hf_abcdefghijkl'}\n");
    store.redactLog("s1");
    expect(readFileSync(store.logFile("s1"), "utf8")).toBe("INFO non-default args: {'api_key': ['<redacted>'], 'hf_token': '<redacted>'}\n");
  });
});

describe("the client's API key comes from the rendered launch spec", () => {
  const grid = (args: string, env: string) => parseGrid(`name: g\nengine: vllm\nmodel: m\nargs: ${args}\nenv: ${env}\nsuites: [{ kind: chat }]\n`);
  const render = (g: ReturnType<typeof grid>, adapter = vllmAdapter) => adapter.render({ grid: g, server: {}, host: "127.0.0.1", port: 1, binary: "vllm", model: "m" });
  it("from the key flag (args or matrix), which wins over the variable, as in vLLM", () => {
    expect(engineApiKey(render(grid("{ api-key: from-args }", '{ VLLM_API_KEY: "${SRC}" }')), { SRC: "from-env" })).toBe("from-args");
  });
  it("from VLLM_API_KEY as the engine sees it: mapped from another variable, or inherited", () => {
    expect(engineApiKey(render(grid("{}", '{ VLLM_API_KEY: "${SRC}" }')), { SRC: "from-src" })).toBe("from-src");
    expect(engineApiKey(render(grid("{}", "{}")), { VLLM_API_KEY: "inherited" })).toBe("inherited");
    expect(engineApiKey(render(grid("{}", "{}")), {})).toBeUndefined();
  });
  it("llama.cpp: --api-key (first of a comma-separated list), else LLAMA_API_KEY", () => {
    const g = parseGrid("name: g\nengine: llamacpp\nmodel: m\nargs: { api-key: 'k1,k2' }\nsuites: [{ kind: chat }]\n");
    expect(engineApiKey(render(g, llamaCppAdapter), {})).toBe("k1");
    expect(engineApiKey(render(parseGrid("name: g\nengine: llamacpp\nmodel: m\nsuites: [{ kind: chat }]\n"), llamaCppAdapter), { LLAMA_API_KEY: "ll" })).toBe("ll");
  });
});
