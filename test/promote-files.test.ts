import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { promote } from "../src/promote/promote.ts";
import { commandLine } from "../src/lab/dry-run.ts";
import { renderLaunch } from "../src/promote/launch.ts";
import { loadRun } from "../src/report/load-run.ts";

const FIX = "test/fixtures/runs";
const schema = JSON.parse(readFileSync("test/fixtures/compose-spec.json", "utf8"));
// The Compose schema names its meta-schema by the https URL; Ajv ships draft-07 under the http one.
const draft7 = JSON.parse(readFileSync("node_modules/ajv/dist/refs/json-schema-draft-07.json", "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
const validate = ajv.compile(schema);

function copyRun(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "tunelab-promote-")), name);
  cpSync(join(FIX, name), dir, { recursive: true });
  return dir;
}
const read = (dir: string, file: string) => readFileSync(join(dir, "production", file), "utf8");

describe("promote files", () => {
  it("writes a vLLM profile: parameters, winning metrics, source hash", () => {
    const dir = copyRun("vllm-glm");
    const result = promote(dir);
    expect(result.dir).toBe(join(dir, "production"));
    const profile = parse(read(dir, "profile.yaml"));
    expect(profile).toMatchObject({
      name: "glm-4090", simulated: false, engine: "vllm", model: "QuantTrio/GLM-4.7-Flash-AWQ", served_name: "glm-4.7-flash",
      parameters: { "gpu-memory-utilization": 0.92, autotune: true },
      objective: { metric: "output_tok_s", direction: "max", scenario: "concurrency/c5@c5", value: 216 },
      runner_up: { parameters: { "gpu-memory-utilization": 0.92, autotune: false }, value: 166 },
      source: { grid_file: "grids/glm-4090.yaml", grid_sha256: "9a8b7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f9", schema_version: 1, point_ids: ["6ce25dd240"] },
    });
    expect(profile.metrics["concurrency/c5@c5"]).toMatchObject({ output_tok_s: 216, ttft_ms_p99: 480 });
    expect(profile.env.HF_TOKEN).toBe("${HF_TOKEN:-}");
    expect(result.explanation).toContain("runner-up: gpu-memory-utilization=0.92 autotune=false: output_tok_s 166 (+30.1%)");
  });

  it("serve.sh runs the exact command the adapter renders", () => {
    const dir = copyRun("vllm-glm");
    promote(dir);
    const script = read(dir, "serve.sh");
    const spec = renderLaunch(loadRun(dir), { "gpu-memory-utilization": 0.92, autotune: true }, { host: "127.0.0.1" });
    expect(script.split("\nexec ")[1].replace(/ \\\n {2}/g, " ").trim()).toBe(commandLine(spec));
    expect(script).toContain("export VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE=1");
    expect(script).toContain('export HF_TOKEN="${HF_TOKEN:-}"');
    expect(script).not.toContain("VLLM_SERVER_DEV_MODE");
    expect(statSync(join(dir, "production", "serve.sh")).mode & 0o111).toBeTruthy();
  });

  it("compose.yaml is a valid Compose file shaped like seed 001's profiles", () => {
    const dir = copyRun("vllm-glm");
    promote(dir, { name: "medium-glm" });
    const compose = parse(read(dir, "compose.yaml"));
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const svc = compose.services["medium-glm"];
    expect(compose.name).toBeUndefined(); // docker-compose v1 rejects a top-level name: the project is named with -p
    expect(svc.image).toBe("vllm/vllm-openai:latest");
    expect(svc.entrypoint).toEqual(["vllm", "serve"]);
    expect(svc.command.slice(0, 3)).toEqual(["QuantTrio/GLM-4.7-Flash-AWQ", "--host", "0.0.0.0"]);
    expect(svc.command).toEqual(expect.arrayContaining(["--gpu-memory-utilization", "0.92", "--tensor-parallel-size", "2"]));
    expect(svc.ipc).toBe("host");
    expect(svc.deploy.resources.reservations.devices).toEqual([{ driver: "nvidia", device_ids: ["0", "1"], capabilities: ["gpu"] }]);
    expect(svc.volumes).toEqual(["${HF_CACHE_DIR:-~/.cache/huggingface}:/root/.cache/huggingface", "vllm-compile-cache:/root/.cache/vllm"]);
    expect(svc.environment).toMatchObject({ VLLM_CACHE_ROOT: "/root/.cache/vllm", HF_TOKEN: "${HF_TOKEN:-}", VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE: "1" });
    expect(svc.healthcheck).toMatchObject({ test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"], interval: "10s" });
    expect(compose.volumes).toEqual({ "vllm-compile-cache": {} });
    expect(validate({ ...compose, services: { x: { ...svc, gpu_count: 2 } } })).toBe(false);
  });

  it("llama.cpp compose mounts the model and reserves GPUs; secrets are references, .env.example has names only", () => {
    const dir = copyRun("llamacpp-glm");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.grid.env.LLAMA_API_KEY = "sk-literal-secret";
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    promote(dir);
    const compose = parse(read(dir, "compose.yaml"));
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const svc = compose.services["glm-llamacpp"];
    expect(svc.image).toBe("ghcr.io/ggml-org/llama.cpp:server-cuda");
    expect(svc.command.slice(0, 2)).toEqual(["-m", "/models/GLM-4.7-Flash-Q4_K_M.gguf"]);
    expect(svc.command).toEqual(expect.arrayContaining(["--parallel", "5", "--ubatch-size", "512"]));
    expect(svc.volumes).toEqual(["/models:/models:ro"]);
    expect(svc.environment).toEqual({ LLAMA_API_KEY: "${LLAMA_API_KEY}" });
    for (const f of ["compose.yaml", "serve.sh", "profile.yaml", ".env.example", "claude.env"]) expect(read(dir, f)).not.toContain("sk-literal-secret");
    const example = read(dir, ".env.example").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(example).toEqual(["HOST_PORT=", "LLAMA_API_KEY="]);
    // the host port is a variable (llama-server's 8080 by default), for a machine where 8080 is taken
    expect(svc.ports).toEqual(["127.0.0.1:${HOST_PORT:-8080}:8080"]);
  });

  it("claude.env points Claude Code at the proxy with the served model", () => {
    const dir = copyRun("vllm-glm");
    promote(dir);
    const env = Object.fromEntries(read(dir, "claude.env").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(env).toMatchObject({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4000", ANTHROPIC_MODEL: "glm-4.7-flash", ANTHROPIC_SMALL_FAST_MODEL: "glm-4.7-flash",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "32000",
    });
  });

  it("a simulated run's profile says so", () => {
    const dir = copyRun("vllm-glm");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, engine: "sim", simulated: true, time_scale: 20 }));
    promote(dir);
    const profile = parse(read(dir, "profile.yaml"));
    expect(profile.simulated).toBe(true);
    expect(profile.simulated_note).toMatch(/simulator/);
    expect(profile.engine).toBe("vllm");
    expect(read(dir, "serve.sh")).toContain("SIMULATED run");
  });
});
