import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { hostname, tmpdir } from "node:os";
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
import { createDockerLauncher, projectName } from "../src/launchers/docker.ts";
import { LabError } from "../src/errors.ts";
import { processStart } from "../src/launchers/docker-owner.ts";
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
 * A stand-in for the docker CLI (with the compose v2 plugin unless `v1`): records every command; `up` serves
 * /health on the port the compose file publishes (unless the container is told to crash); `logs -f` runs until
 * `down` or the crash; `ps -a` lists the `leftovers` of other bench processes.
 */
function fakeDocker(behaviour: { info?: CommandResult; up?: CommandResult; crash?: string; v1?: boolean; noCompose?: boolean; leftovers?: string[] } = {}) {
  const calls: string[] = [];
  let server: Server | undefined;
  let containerStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (containerStopped = r));
  const ok = (stdout = ""): CommandResult => ({ exitCode: 0, stdout, stderr: "" });
  const missing: CommandResult = { exitCode: 1, stdout: "", stderr: "docker: unknown command: docker compose" };
  const runner: CommandRunner = {
    async run(command, args) {
      calls.push([command, ...args].join(" "));
      if (args[0] === "info") return behaviour.info ?? ok("27.3.1");
      if (command === "docker" && args[0] === "compose" && args[1] === "version") return behaviour.v1 || behaviour.noCompose ? missing : ok("2.40.3");
      if (command === "docker-compose" && args[0] === "version") return behaviour.noCompose ? { exitCode: 127, stdout: "", stderr: "not found" } : ok("1.29.2");
      if (args[0] === "ps" && args[1] === "-a") return ok((behaviour.leftovers ?? []).join("\n"));
      if (args[0] === "ps") return ok("c0ffee\n");
      if (args[0] === "inspect") return ok(behaviour.crash ? "1 false" : "0 false");
      const verb = args[args.indexOf("-f") + 2];
      if (verb === "up") {
        if (behaviour.up) return behaviour.up;
        if (behaviour.crash) return ok();
        const compose = parse(readFileSync(args[args.indexOf("-f") + 1], "utf8"));
        const [hostIp, hostPort] = String(compose.services.engine.ports[0]).split(":");
        server = createServer((_req, res) => res.end('{"status":"ok"}'));
        await new Promise<void>((r) => server!.listen(Number(hostPort), hostIp, r));
      }
      if (verb === "down") {
        await new Promise((r) => (server ? server.close(r) : r(undefined)));
        containerStopped();
      }
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
    guard(command, args) {
      calls.push(`guard: ${[command, ...args].join(" ")}`);
      return { disarm: () => calls.push("guard disarmed") };
    },
  };
  return { runner, calls };
}

const PREFLIGHT = [
  "docker info --format {{.ServerVersion}}",
  "docker compose version --short",
  `docker ps -a --filter label=tunelab.owner.pid --format {{.ID}}\t{{.Label "com.docker.compose.project"}}\t{{.Label "tunelab.owner.pid"}}\t{{.Label "tunelab.owner.host"}}\t{{.Label "tunelab.owner.started"}}\t{{.Label "tunelab.run_dir"}}`,
  `docker network ls --filter label=tunelab.owner.pid --format {{.ID}}\t{{.Label "com.docker.compose.project"}}\t{{.Label "tunelab.owner.pid"}}\t{{.Label "tunelab.owner.host"}}\t{{.Label "tunelab.owner.started"}}\t{{.Label "tunelab.run_dir"}}`,
];

describe("docker launcher (commands recorded, no Docker engine)", () => {
  it("renders a compose project, starts it, follows its logs, waits for readiness, then takes it down", async () => {
    const { runner, calls } = fakeDocker();
    const req = request("abc123");
    const handle = await createDockerLauncher(runner).start(req);
    const file = join(dir, "run", "compose", "abc123.yaml");
    const project = projectName("abc123", req.runDir);
    expect(project).toMatch(/^tunelab-abc123-[0-9a-f]{6}$/);
    const compose = `compose -p ${project} -f ${file}`;
    expect(calls).toEqual([
      ...PREFLIGHT,
      `guard: docker ${compose} down -v --remove-orphans --timeout 0`,
      `docker ${compose} up -d`,
      `docker ps -aq --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=engine`,
      "docker logs -f c0ffee",
    ]);
    const text = readFileSync(file, "utf8");
    const doc = checked<{ services: { engine: Service & { labels: Record<string, string> } }; networks: { default: { labels: Record<string, string> } } }>(parse(text));
    const service = doc.services.engine;
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
    // the owner (this process) is recorded on the container and its network, for the orphan sweep
    expect(service.labels).toMatchObject({ "tunelab.owner.pid": String(process.pid), "tunelab.run_dir": req.runDir });
    expect(doc.networks.default.labels).toEqual(service.labels);
    // docker-compose v1 reads YAML 1.1: `no` unquoted would be a boolean
    expect(text).toContain('restart: "no"');
    expect(text).not.toContain("hf_secret_value");
    expect(handle.spec.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await handle.stop();
    expect(await handle.exited).toEqual({ code: 0, signal: null });
    // stopping takes the project down and disarms the guard; the log follower then ends and the exit code is read
    expect(calls.slice(PREFLIGHT.length + 4)).toEqual([`docker ${compose} down -v --remove-orphans --timeout 15`, "guard disarmed", "docker inspect --format {{.State.ExitCode}} {{.State.OOMKilled}} c0ffee"]);
  });

  it("runs compose through docker-compose (v1) when the v2 plugin is missing", async () => {
    const { runner, calls } = fakeDocker({ v1: true });
    const req = request("v1run");
    const handle = await createDockerLauncher(runner).start(req);
    await handle.stop();
    const compose = `-p ${projectName("v1run", req.runDir)} -f ${join(dir, "run", "compose", "v1run.yaml")}`;
    expect(calls).toContain("docker-compose version --short");
    expect(calls).toContain(`docker-compose ${compose} up -d`);
    expect(calls).toContain(`docker-compose ${compose} down -v --remove-orphans --timeout 15`);
  });

  it("without any compose CLI, prepare fails as bad input (exit 2) with the install hint", async () => {
    const { runner } = fakeDocker({ noCompose: true });
    const err = (await createDockerLauncher(runner).prepare!({ options: {}, engine: "llamacpp", note: () => {} }).catch((e: unknown) => e)) as LabError;
    expect(err).toBeInstanceOf(LabError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/neither `docker compose` \(v2\) nor `docker-compose` \(v1\) runs/);
    expect(err.hint).toMatch(/apt-get install docker-compose/);
  });

  it("removes tunelab projects whose owning bench is gone, and only those", async () => {
    const gone = 2 ** 22 + 17; // above pid_max's default: no such process
    const row = (id: string, project: string, pid: number, host = hostname()) => [id, project, pid, host, processStart(pid) || "1", "/runs/x"].join("\t");
    const { runner, calls } = fakeDocker({ leftovers: [row("dead1", "tunelab-aaa-111111", gone), row("live1", "tunelab-bbb-222222", process.pid), row("far1", "tunelab-ccc-333333", gone, "elsewhere")] });
    const notes: string[] = [];
    await createDockerLauncher(runner).prepare!({ options: {}, engine: "llamacpp", note: (l) => notes.push(l) });
    expect(calls).toContain("docker rm -f -v dead1");
    expect(calls.filter((c) => c.startsWith("docker rm"))).toHaveLength(1);
    expect(notes[0]).toBe(`warning: removed leftover docker project tunelab-aaa-111111 (its bench, pid ${gone}, is gone; run /runs/x)`);
  });

  it("fails with a clear hint when no Docker engine is reachable", async () => {
    const { runner, calls } = fakeDocker({ info: { exitCode: 1, stdout: "", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" } });
    const err = await createDockerLauncher(runner).start(request("noengine")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupFailure);
    expect((err as StartupFailure).failureCause).toBe("missing_binary");
    expect((err as StartupFailure).message).toMatch(/no Docker engine reachable: `docker info` failed: Cannot connect to the Docker daemon.*\(start Docker.*or set DOCKER_HOST/);
    expect(calls).toEqual(PREFLIGHT.slice(0, 2));
  });

  it("a container that exits before it is ready fails with the cause from its log, and is taken down", async () => {
    const { runner, calls } = fakeDocker({ crash: "llama_model_load: error loading model: bad magic\nmain: exiting due to model loading error\n" });
    const err = (await createDockerLauncher(runner).start(request("crash1")).catch((e: unknown) => e)) as StartupFailure;
    expect(err).toBeInstanceOf(StartupFailure);
    expect(err.failureCause).toBe("crashed");
    expect(err.message).toMatch(/^engine exited with code 1 before it was ready: .*error loading model/);
    expect(err.logTail).toContain("exiting due to model loading error");
    expect(calls.some((c) => c.startsWith("docker inspect"))).toBe(true);
    expect(calls.at(-2)).toMatch(/ down -v --remove-orphans --timeout 15$/);
    expect(calls.at(-1)).toBe("guard disarmed");
  });

  it("an env reference that is not set fails the point as a bad config before anything runs", async () => {
    const { runner, calls } = fakeDocker();
    const unset = parseGrid("name: u\nengine: llamacpp\nmodel: tiny\nenv: { T: '${TUNELAB_TEST_UNSET}' }\nsuites: [{ kind: chat }]\n", "u.yaml");
    const req = { ...request("unset1"), render: (host: string, port: number) => llamaCppAdapter.render({ grid: unset, server: {}, host, port, binary: "llama-server", model }) };
    const err = (await createDockerLauncher(runner).start(req).catch((e: unknown) => e)) as StartupFailure;
    expect(err.failureCause).toBe("invalid_config");
    expect(err.message).toMatch(/env 'T' references \$\{TUNELAB_TEST_UNSET\}, which is not set \(export TUNELAB_TEST_UNSET=/);
    expect(calls).toEqual(PREFLIGHT);
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
