import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/launchers/ports.ts";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { composeCliEnv, docker, dockerLines, leftovers, waitFor, type ComposeCliUnderTest } from "./helpers/docker.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/**
 * The docker launcher and the promoted compose file on a real Docker engine (Debian's dockerd, started by
 * test/docker/start-engine.sh), with the local FROM-scratch llama-server image and the tiny model. Compose runs
 * through the v2 plugin (built from the Go module proxy by test/docker/build-compose-v2.sh, where Go exists)
 * and through Debian's docker-compose v1.
 */
const dir = mkdtempSync(join(tmpdir(), "tunelab-docker-e2e-"));
const say = (line: string) => process.stderr.write(`[docker e2e] ${line}\n`);
let image = "";
let modelPath = "";
let serverPath = "";
const clis: ComposeCliUnderTest[] = [];
/** The grid run (v2 if built, else v1); the other CLI runs the fault cases. */
let main: ComposeCliUnderTest;
let other: ComposeCliUnderTest;

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const out = await work();
  say(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/** A small copy of grids/quickstart.yaml (same engine and args; fewer points and requests). */
function quickstartCopy(name: string, extra: Record<string, unknown> = {}): string {
  const grid = parse(readFileSync("grids/quickstart.yaml", "utf8")) as Record<string, unknown>;
  const small = {
    ...grid, name, model: modelPath,
    matrix: { parallel: [1, 2] },
    suites: [{ kind: "chat", options: { requests: 3, prompt_tokens: 128, output_tokens: 8, warmup: 0 } }],
    ...extra,
  };
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(small));
  return file;
}

function bench(args: string[], cli: ComposeCliUnderTest, env: Record<string, string> = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [BENCH_BIN, ...args], { reject: false, env: { ...composeCliEnv(cli), ...env } });
}

const grid = (file: string, out: string, cli: ComposeCliUnderTest, more: string[] = [], env: Record<string, string> = {}) =>
  bench(["grid", file, "--launcher", "docker", "--image", image, "--out", out, "--progress", "plain", ...more], cli, env);

/** Containers of one run (their `tunelab.run_dir` label). */
const containersOf = (out: string) => dockerLines(["ps", "-a", "--filter", `label=tunelab.run_dir=${out}`, "--format", "{{.ID}} {{.State}}"]);

beforeAll(async () => {
  await timed("dockerd start (test/docker/start-engine.sh)", () => execa("bash", ["test/docker/start-engine.sh"], { stdio: "inherit", timeout: 900_000 }));
  const v2 = await timed("compose v2 plugin (test/docker/build-compose-v2.sh)", () => execa("bash", ["test/docker/build-compose-v2.sh"], { stderr: "inherit", timeout: 1_800_000 }));
  if (v2.stdout.trim()) clis.push({ name: "v2", dockerConfig: v2.stdout.trim() });
  clis.push({ name: "v1", dockerConfig: join(dir, "no-plugins") });
  mkdirSync(join(dir, "no-plugins"), { recursive: true });
  say(`compose CLIs under test: ${clis.map((c) => c.name).join(", ")}`);
  [main] = clis;
  other = clis.at(-1)!;
  ({ serverPath, modelPath } = await testEngine());
  const built = await timed("image build (bench setup image llama.cpp)", () => execa(process.execPath, [BENCH_BIN, "setup", "image", "llama.cpp", "--force"], { reject: false }));
  expect(built.exitCode, built.stderr).toBe(0);
  image = built.stdout.trim().split("\n").pop() ?? "";
}, 2_700_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docker launcher on a real Docker engine", () => {
  it("bench setup image llama.cpp builds tunelab/llama-server:<version> FROM scratch from the cached build", async () => {
    expect(image).toMatch(/^tunelab\/llama-server:v[\w.-]+$/);
    const [config] = await dockerLines(["image", "inspect", "--format", "{{json .Config.Entrypoint}} {{len .RootFS.Layers}}", image]);
    expect(config).toBe('["/app/llama-server"] 1'); // one layer: nothing but what the lab copied in
    const version = await docker(["run", "--rm", image, "--version"]);
    const local = await execa(serverPath, ["--version"], { all: true });
    expect(version.all.match(/version: .*/)?.[0]).toBe(local.all.match(/version: .*/)?.[0]);
  });

  it("runs a quickstart copy with --parallel 2: every point ok, no container, network or project left", async () => {
    const out = join(dir, "grid");
    const r = await timed(`grid, 2 points, --parallel 2 (compose ${main.name})`, () => grid(quickstartCopy("dockerq"), out, main, ["--parallel", "2"]));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(main.name === "v2" ? /compose CLI `docker compose 2\.\d+/ : /compose CLI `docker-compose 1\.\d+/);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status, String(row.failure_detail)).toBe("ok");
      expect(row.launcher).toBe("docker");
      expect(Number(row.output_tok_s)).toBeGreaterThan(0);
      // the log is the container's: llama-server bound to every interface on the container port
      expect(readFileSync(join(out, "logs", `${row.server_id}.log`), "utf8")).toMatch(/listening on http:\/\/0\.0\.0\.0:8000/);
      expect(parse(readFileSync(join(out, "compose", `${row.server_id}.yaml`), "utf8")).services.engine.image).toBe(image);
    }
    expect(await leftovers(clis.find((c) => c.name === "v2")?.dockerConfig)).toEqual([]);
  });

  it("bench promote writes production/compose.yaml, which serves for real under each compose CLI", async () => {
    const out = join(dir, "grid");
    const name = `tunelab-promoted-${Date.now() % 100000}`;
    const p = await bench(["promote", out, "--name", name], main);
    expect(p.exitCode, p.stderr).toBe(0);
    const file = join(out, "production", "compose.yaml");
    const svc = parse(readFileSync(file, "utf8")).services[name];
    expect(svc.image).toBe(image); // the image the run measured
    for (const cli of clis) {
      const port = await freePort();
      const env = { ...composeCliEnv(cli), HOST_PORT: String(port) };
      const compose = (...args: string[]) => execa(cli.name === "v2" ? "docker" : "docker-compose", [...(cli.name === "v2" ? ["compose"] : []), "-f", file, ...args], { env, cwd: dirname(file), all: true, reject: false });
      await timed(`promoted compose.yaml up, healthy, chat, down (compose ${cli.name})`, async () => {
        const up = await compose("up", "-d");
        expect(up.exitCode, up.all).toBe(0);
        try {
          const health = await waitFor(90_000, async () => {
            const [status] = await dockerLines(["inspect", "--format", "{{.State.Health.Status}}", name]);
            return status === "healthy" ? status : undefined;
          });
          expect(health).toBe("healthy");
          const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "tiny", max_tokens: 4, messages: [{ role: "user", content: "hello" }] }),
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { choices: { message: { content: string } }[]; usage: { completion_tokens: number } };
          expect(body.usage.completion_tokens).toBe(4);
        } finally {
          const down = await compose("down", "--timeout", "5");
          expect(down.exitCode, down.all).toBe(0);
        }
        expect(await dockerLines(["ps", "-a", "--filter", `name=^${name}$`, "--format", "{{.ID}}"])).toEqual([]);
      });
    }
  });

  it("a container that exits at once (a bad flag) is a failed row classified from its docker logs", async () => {
    const out = join(dir, "badflag");
    const file = quickstartCopy("dockerbad", { matrix: { parallel: [1] }, args: { "ctx-size": 2048, "no-such-flag": 1 } });
    const r = await grid(file, out, other);
    // a completed grid with failed points exits 0 and counts them (3 with --strict; README "Exit codes")
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("1 of 1 points failed");
    const [row] = readCsv(join(out, "points.csv"));
    expect(row.failure).toBe("invalid_config");
    expect(String(row.failure_detail)).toMatch(/engine exited with code 1 before it was ready: .*--no-such-flag/);
    expect(await containersOf(out)).toEqual([]);
  });

  it("a host port already taken is a bind_failed row, and the next point still runs", async () => {
    const port = await freePort();
    // holds the port until the lab checks it free after the failed point (its first connection), then lets go
    const blocker = createServer((socket) => {
      socket.destroy();
      blocker.close();
    }).listen(port, "127.0.0.1");
    try {
      const out = join(dir, "bind");
      const launcher = { kind: "docker", startup_timeout_s: 60, options: { host_port: port } };
      const r = await grid(quickstartCopy("dockerbind", { launcher }), out, other);
      expect(r.exitCode, r.stderr).toBe(0);
      const rows = readCsv(join(out, "points.csv"));
      const [failed, ok] = [rows.filter((row) => row.status === "failed"), rows.filter((row) => row.status === "ok")];
      expect(failed).toHaveLength(1);
      expect(failed[0].failure).toBe("bind_failed");
      expect(String(failed[0].failure_detail)).toMatch(new RegExp(`^host port 127\\.0\\.0\\.1:${port} is taken: compose up failed: .*address already in use`));
      expect(ok).toHaveLength(1); // the next point ran, on the same port once it was free
      expect(await containersOf(out)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it("SIGINT in the middle of a point leaves no container", async () => {
    const out = join(dir, "sigint");
    const suites = [{ kind: "chat", options: { requests: 200, prompt_tokens: 128, output_tokens: 32, warmup: 0 } }];
    const child = grid(quickstartCopy("dockerint", { matrix: { parallel: [1] }, suites }), out, main);
    await waitFor(60_000, async () => (existsSync(join(out, "requests.csv")) || (await logSays(out, "listening")) ? true : undefined));
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await containersOf(out)).toEqual([]);
  });

  it("SIGINT while compose is still bringing the container up leaves no container either", async () => {
    const out = join(dir, "sigint-up");
    const child = grid(quickstartCopy("dockerintup", { matrix: { parallel: [1] } }), out, other);
    await waitFor(60_000, async () => (existsSync(join(out, "compose")) && readdirSync(join(out, "compose")).length ? true : undefined), 20);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await containersOf(out)).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("SIGKILL of bench: its guard takes the project down; with the guard killed too, the next run removes it with a warning", async () => {
    const suites = [{ kind: "chat", options: { requests: 200, prompt_tokens: 128, output_tokens: 32, warmup: 0 } }];
    const file = quickstartCopy("dockerkill", { matrix: { parallel: [1] }, suites });
    const running = async (out: string) => (await containersOf(out)).some((l) => l.endsWith(" running"));

    const guarded = join(dir, "kill-guarded");
    const first = grid(file, guarded, main);
    expect(await waitFor(60_000, () => running(guarded).then((y) => y || undefined))).toBe(true);
    first.kill("SIGKILL");
    await first;
    expect(await waitFor(30_000, async () => ((await containersOf(guarded)).length === 0 ? true : undefined))).toBe(true);

    const orphaned = join(dir, "kill-orphaned");
    const second = grid(file, orphaned, main);
    expect(await waitFor(60_000, () => running(orphaned).then((y) => y || undefined))).toBe(true);
    for (const pid of childrenOf(second.pid!)) process.kill(pid, "SIGKILL"); // its guard (and followers) first
    second.kill("SIGKILL");
    await second;
    await new Promise((r) => setTimeout(r, 2000));
    expect(await containersOf(orphaned)).not.toEqual([]); // nothing left to clean up: an orphan

    // the next docker run sweeps it; this one's image is missing, so its point fails at once, naming the fix
    const next = join(dir, "after-kill");
    const r = await bench(["grid", quickstartCopy("dockermissing", { matrix: { parallel: [1] } }), "--launcher", "docker", "--image", "tunelab/llama-server:no-such-tag", "--out", next, "--progress", "plain"], main);
    expect(r.stderr).toMatch(new RegExp(`warning: removed leftover docker project tunelab-[0-9a-f]+-[0-9a-f]{6} \\(its bench, pid ${second.pid}, is gone; run ${orphaned}\\)`));
    expect(await containersOf(orphaned)).toEqual([]);
    expect(r.stderr).toMatch(/docker: image 'tunelab\/llama-server:no-such-tag' is not on this machine; compose will try to pull it \(build a local one with `npx bench setup image llama\.cpp` and pass --image tunelab\/llama-server:v/);
    const [row] = readCsv(join(next, "points.csv"));
    expect(row.failure).toBe("missing_binary");
    expect(String(row.failure_detail)).toMatch(/image 'tunelab\/llama-server:no-such-tag' is not on this machine; the pull failed: .*bench setup image llama\.cpp/);
    expect(await leftovers(clis.find((c) => c.name === "v2")?.dockerConfig)).toEqual([]);
  });

  it("no Docker engine: one line naming `docker info`'s error and the fix, and the points fail", async () => {
    const out = join(dir, "nodaemon");
    const r = await grid(quickstartCopy("dockernone", { matrix: { parallel: [1] } }), out, main, [], { DOCKER_HOST: `unix://${join(dir, "no-such.sock")}` });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("1 of 1 points failed");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("docker: "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^docker: no Docker engine reachable: `docker info` failed: Cannot connect to the Docker daemon at unix:\/\/.*no-such\.sock.*\(start Docker.*or set DOCKER_HOST/);
    const [row] = readCsv(join(out, "points.csv"));
    expect(row.failure).toBe("missing_binary");
  });

  it("no compose CLI at all: exit 2 with the install hint, before any point", async () => {
    const bin = join(dir, "bin-docker-only");
    mkdirSync(bin, { recursive: true });
    const dockerPath = (await execa("sh", ["-c", "command -v docker"])).stdout.trim();
    if (!existsSync(join(bin, "docker"))) symlinkSync(dockerPath, join(bin, "docker"));
    const out = join(dir, "nocompose");
    const r = await grid(quickstartCopy("dockernocompose", { matrix: { parallel: [1] } }), out, other, [], { PATH: bin });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: the docker launcher needs Docker Compose, but neither `docker compose` \(v2\) nor `docker-compose` \(v1\) runs \(install .*apt-get install docker-compose/m);
    expect(existsSync(join(out, "points.csv"))).toBe(false);
  });
});

async function logSays(out: string, text: string): Promise<boolean> {
  const logs = join(out, "logs");
  if (!existsSync(logs)) return false;
  return readdirSync(logs).some((f) => readFileSync(join(logs, f), "utf8").includes(text));
}

/** Direct children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
    } catch {
      return false;
    }
  }).map(Number);
}
