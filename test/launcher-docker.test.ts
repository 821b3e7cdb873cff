import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { Ajv } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { llamaCppAdapter } from "../src/engines/llamacpp.ts";
import { vllmAdapter } from "../src/engines/vllm.ts";
import { parseGrid } from "../src/grid/load.ts";
import type { CommandResult, CommandRunner } from "../src/launchers/commands.ts";
import { composeValue, renderComposeService, type ComposeOptions } from "../src/launchers/compose.ts";
import type { LaunchSpec } from "../src/engines/types.ts";
import { createDockerLauncher } from "../src/launchers/docker.ts";
import { StartupFailure, type LaunchRequest } from "../src/launchers/types.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-docker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, "tiny.gguf");
writeFileSync(model, "GGUF");
process.env.HF_TOKEN = "hf_secret_value";

// The Compose JSON schema (test/fixtures/compose-spec.json, a strict excerpt of compose-spec.json); Ajv ships
// draft-07 under the http URL while the schema names the https one.
const draft7 = JSON.parse(readFileSync("node_modules/ajv/dist/refs/json-schema-draft-07.json", "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
const validCompose = ajv.compile(JSON.parse(readFileSync("test/fixtures/compose-spec.json", "utf8")));

interface Service {
  image: string;
  command: string[];
  ipc: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: { type: string; source: string; target: string; read_only: boolean }[];
  deploy?: { resources: { reservations: { devices: { driver: string; count?: string; device_ids?: string[]; capabilities: string[] }[] } } };
}

/** Validates a compose document against the schema and returns it typed. */
function checked<T>(doc: unknown): T {
  expect(validCompose(doc), JSON.stringify(validCompose.errors)).toBe(true);
  return doc as T;
}
const service = (spec: LaunchSpec, opts: ComposeOptions) => checked<{ services: { engine: Service } }>({ services: { engine: renderComposeService(spec, opts) } }).services.engine;

const grid = parseGrid("name: d\nengine: llamacpp\nmodel: tiny\nserved_name: tiny\nenv: { HF_TOKEN: '${HF_TOKEN}', PRICE: '5$' }\nsuites: [{ kind: chat }]\n", "d.yaml");

function request(serverId: string): LaunchRequest {
  return {
    render: (host, port) => llamaCppAdapter.render({ grid, server: { parallel: 2 }, host, port, binary: "/opt/llama/llama-server", model }),
    engine: llamaCppAdapter, runDir: join(dir, "run"), serverId, gridName: "d", logFile: join(dir, "run", "logs", `${serverId}.log`),
    startupTimeoutMs: 10_000, stopTimeoutMs: 15_000, options: { hf_cache: join(dir, "hf") },
  };
}

/**
 * A stand-in for the docker CLI: records every command; `up` serves /health on the port the compose file
 * publishes (unless the container is told to crash); `logs -f` runs until `down` or the crash.
 */
function fakeDocker(behaviour: { info?: CommandResult; up?: CommandResult; crash?: string } = {}) {
  const calls: string[] = [];
  let server: Server | undefined;
  let containerStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (containerStopped = r));
  const ok = (stdout = ""): CommandResult => ({ exitCode: 0, stdout, stderr: "" });
  const runner: CommandRunner = {
    async run(command, args) {
      calls.push([command, ...args].join(" "));
      if (args[0] === "info") return behaviour.info ?? ok("27.3.1");
      const verb = args[5];
      if (verb === "up") {
        if (behaviour.up) return behaviour.up;
        if (behaviour.crash) return ok();
        const compose = parse(readFileSync(args[4], "utf8"));
        const [hostIp, hostPort] = String(compose.services.engine.ports[0]).split(":");
        server = createServer((_req, res) => res.end('{"status":"ok"}'));
        await new Promise<void>((r) => server!.listen(Number(hostPort), hostIp, r));
      }
      if (verb === "down") {
        await new Promise((r) => (server ? server.close(r) : r(undefined)));
        containerStopped();
      }
      if (verb === "ps") return ok(JSON.stringify({ Service: "engine", State: "exited", ExitCode: behaviour.crash ? 1 : 0 }) + "\n");
      return ok();
    },
    runSync(command, args) {
      calls.push(`sync: ${[command, ...args].join(" ")}`);
    },
    follow(command, args, opts) {
      calls.push([command, ...args].join(" "));
      if (behaviour.crash) appendFileSync(opts.logFile, behaviour.crash);
      return { exited: behaviour.crash ? Promise.resolve(1) : stopped.then(() => 0), stop: () => containerStopped() };
    },
  };
  return { runner, calls };
}

describe("docker launcher (commands recorded, no Docker engine)", () => {
  it("renders a compose project, starts it, follows its logs, waits for readiness, then takes it down", async () => {
    const { runner, calls } = fakeDocker();
    const req = request("abc123");
    const handle = await createDockerLauncher(runner).start(req);
    const file = join(dir, "run", "compose", "abc123.yaml");
    const compose = `compose -p tunelab-abc123 -f ${file}`;
    expect(calls).toEqual(["docker info --format {{.ServerVersion}}", `docker ${compose} up -d`, `docker ${compose} logs -f --no-color --no-log-prefix`]);
    const doc = checked<{ name: string; services: { engine: Service } }>(parse(readFileSync(file, "utf8")));
    const service = doc.services.engine;
    expect(doc.name).toBe("tunelab-abc123");
    expect(service.image).toBe("ghcr.io/ggml-org/llama.cpp:server");
    // the image's entrypoint is llama-server: the command is its arguments, bound to every interface
    expect(service.command.slice(0, 2)).toEqual(["-m", model]);
    expect(service.command.join(" ")).toContain("--host 0.0.0.0 --port 8000");
    expect(service.command.join(" ")).toContain("--parallel 2");
    expect(service.ports).toEqual([`127.0.0.1:${new URL(handle.spec.baseUrl).port}:8000`]);
    expect(service.ipc).toBe("host");
    expect(service.deploy).toBeUndefined(); // llama.cpp's server image is the CPU build: no GPU by default
    expect(service.volumes).toContainEqual({ type: "bind", source: model, target: model, read_only: true });
    expect(service.volumes).toContainEqual({ type: "bind", source: join(dir, "hf"), target: "/root/.cache/huggingface", read_only: false });
    expect(service.environment).toEqual({ HF_TOKEN: "${HF_TOKEN}", PRICE: "5$$" }); // compose fills it in at `up`
    expect(readFileSync(file, "utf8")).not.toContain("hf_secret_value");
    expect(handle.spec.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await handle.stop();
    expect(await handle.exited).toEqual({ code: 0, signal: null });
    // stopping takes the project down; the log follower then ends and the exit status is read
    expect(calls.slice(3)).toEqual([`docker ${compose} down -v --remove-orphans --timeout 15`, `docker ${compose} ps -a --format json`]);
  });

  it("fails with a clear hint when no Docker engine is reachable, running nothing else", async () => {
    const { runner, calls } = fakeDocker({ info: { exitCode: 1, stdout: "", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" } });
    const err = await createDockerLauncher(runner).start(request("noengine")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupFailure);
    expect((err as StartupFailure).failureCause).toBe("missing_binary");
    expect((err as StartupFailure).message).toMatch(/no Docker engine reachable: `docker info` failed: Cannot connect to the Docker daemon.*\(start Docker or set DOCKER_HOST/);
    expect(calls).toEqual(["docker info --format {{.ServerVersion}}"]);
  });

  it("a container that exits before it is ready fails with the cause from its log, and is taken down", async () => {
    const { runner, calls } = fakeDocker({ crash: "llama_model_load: error loading model: bad magic\nmain: exiting due to model loading error\n" });
    const err = (await createDockerLauncher(runner).start(request("crash1")).catch((e: unknown) => e)) as StartupFailure;
    expect(err).toBeInstanceOf(StartupFailure);
    expect(err.failureCause).toBe("crashed");
    expect(err.message).toMatch(/^engine exited with code 1 before it was ready: .*error loading model/);
    expect(err.logTail).toContain("exiting due to model loading error");
    expect(calls.some((c) => c.endsWith("ps -a --format json"))).toBe(true);
    expect(calls.at(-1)).toMatch(/ down -v --remove-orphans --timeout 15$/);
  });

  it("an env reference that is not set fails the point as a bad config before anything runs", async () => {
    const { runner, calls } = fakeDocker();
    const unset = parseGrid("name: u\nengine: llamacpp\nmodel: tiny\nenv: { T: '${TUNELAB_TEST_UNSET}' }\nsuites: [{ kind: chat }]\n", "u.yaml");
    const req = { ...request("unset1"), render: (host: string, port: number) => llamaCppAdapter.render({ grid: unset, server: {}, host, port, binary: "llama-server", model }) };
    const err = (await createDockerLauncher(runner).start(req).catch((e: unknown) => e)) as StartupFailure;
    expect(err.failureCause).toBe("invalid_config");
    expect(err.message).toMatch(/env 'T' references \$\{TUNELAB_TEST_UNSET\}, which is not set \(export TUNELAB_TEST_UNSET=/);
    expect(calls).toEqual(["docker info --format {{.ServerVersion}}"]);
  });

  it("a port clash at `up` is bind_failed, with compose's message in the log", async () => {
    const { runner } = fakeDocker({ up: { exitCode: 1, stdout: "", stderr: "Error response from daemon: Bind for 127.0.0.1:8000 failed: port is already allocated" } });
    const req = request("clash1");
    const err = (await createDockerLauncher(runner).start(req).catch((e: unknown) => e)) as StartupFailure;
    expect(err.failureCause).toBe("bind_failed");
    expect(readFileSync(req.logFile, "utf8")).toContain("port is already allocated");
  });
});

describe("renderComposeService for vLLM", () => {
  const vgrid = parseGrid("name: v\nengine: vllm\nmodel: org/m\nsuites: [{ kind: chat }]\n", "v.yaml");
  const spec = vllmAdapter.render({ grid: vgrid, server: { "max-num-seqs": 64 }, host: "0.0.0.0", port: 8000, binary: "vllm", model: "org/m" });

  it("drops `serve` (the image's entrypoint is `vllm serve`) and reserves GPUs", () => {
    const s = service(spec, { image: "vllm/vllm-openai:latest", gpus: "all", volumes: [{ host: "/data/vllm", container: "/root/.cache/vllm" }] });
    expect(s.command[0]).toBe("org/m");
    expect(s.command).not.toContain("serve");
    expect(s.command.join(" ")).toContain("--max-num-seqs 64");
    expect(s.deploy?.resources.reservations.devices).toEqual([{ driver: "nvidia", count: "all", capabilities: ["gpu"] }]);
    expect(s.environment).toEqual({ VLLM_SERVER_DEV_MODE: "1" });
    const ids = service(spec, { image: "x", gpus: ["0", "1"], publish: { hostIp: "127.0.0.1", hostPort: 18000 } });
    expect(ids.ports).toEqual(["127.0.0.1:18000:8000"]);
    expect(ids.deploy?.resources.reservations.devices[0].device_ids).toEqual(["0", "1"]);
  });

  it("keeps ${NAME} templates for compose and escapes other dollars", () => {
    expect(composeValue("Bearer ${TOKEN} costs $5 ${A:-x}$")).toBe("Bearer ${TOKEN} costs $$5 ${A:-x}$$");
  });
});
