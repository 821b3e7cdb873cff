import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { FailureCause, LaunchSpec } from "../engines/types.ts";
import { expandEnv } from "../util/env.ts";
import { systemRunner, type CommandRunner, type FollowedCommand } from "./commands.ts";
import { DEFAULT_IMAGES, renderComposeFile, type BindMount } from "./compose.ts";
import { parseDockerOptions, type DockerOptions } from "./docker-options.ts";
import { tailOf } from "./log-tail.ts";
import { freePort, waitPortFree } from "./ports.ts";
import { waitReady } from "./readiness.ts";
import { track } from "./reaper.ts";
import { checkInput, failStartup, readLog } from "./startup-failure.ts";
import { StartupFailure, type EngineHandle, type Launcher, type LaunchRequest } from "./types.ts";

/** The port the engine listens on inside its container; the host side is a free loopback port. */
export const CONTAINER_PORT = 8000;

/**
 * One compose project per engine (`<run dir>/compose/<server_id>.yaml`): `up -d`, logs followed into the log
 * file, `down -v --remove-orphans` after. `runner` is injectable so tests can record the docker commands.
 */
export function createDockerLauncher(runner: CommandRunner = systemRunner): Launcher {
  let reachable: Promise<void> | undefined;
  return {
    kind: "docker",
    async start(req) {
      await (reachable ??= checkDocker(runner).catch((err) => {
        reachable = undefined;
        throw err;
      }));
      return startProject(runner, req);
    },
  };
}

export const dockerLauncher = createDockerLauncher();

async function checkDocker(runner: CommandRunner): Promise<void> {
  const r = await runner.run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
  if (r.exitCode === 0) return;
  const why = r.stderr.trim().split("\n").find((l) => l.trim()) ?? `exit code ${r.exitCode}`;
  const message = r.exitCode === 127
    ? "docker CLI not found (install Docker with the compose plugin, or use --launcher local)"
    : `no Docker engine reachable: \`docker info\` failed: ${why} (start Docker or set DOCKER_HOST, or use --launcher local)`;
  throw new StartupFailure("missing_binary", r.stderr, message);
}

async function startProject(runner: CommandRunner, req: LaunchRequest): Promise<EngineHandle> {
  const o = checkInput(() => parseDockerOptions(req.options));
  const inner = req.render("0.0.0.0", CONTAINER_PORT);
  const image = o.image ?? DEFAULT_IMAGES[inner.engine];
  if (!image) throw new StartupFailure("invalid_config", "", `the docker launcher has no image for engine '${inner.engine}' (the simulator runs with --launcher local)`);
  const env = checkInput(() => expandEnv(inner.env)); // fails early on unset ${REF}s; compose fills them in from this environment
  const hostPort = await freePort("127.0.0.1");
  const spec = req.render("127.0.0.1", hostPort);
  const serverId = req.serverId;
  const file = join(req.runDir, "compose", `${serverId}.yaml`);
  const project = `tunelab-${serverId}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  const volumes = mounts(inner, o);
  for (const v of volumes) if (!existsSync(v.host)) mkdirSync(v.host, { recursive: true });
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(dirname(req.logFile), { recursive: true });
  const gpus = o.gpus ?? (inner.engine === "vllm" ? "all" : undefined);
  const stopGraceS = Math.ceil(req.stopTimeoutMs / 1000); // given to `down --timeout`
  writeFileSync(file, renderComposeFile(project, inner, { image, gpus, publish: { hostIp: "127.0.0.1", hostPort }, volumes }));
  const compose = (...args: string[]) => ["compose", "-p", project, "-f", file, ...args];

  let logs: FollowedCommand | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await runner.run("docker", compose("down", "-v", "--remove-orphans", "--timeout", String(stopGraceS)), { env });
      logs?.stop();
      await waitPortFree("127.0.0.1", hostPort, 5000);
      untrack();
    })());
  const untrack = track({ sync: () => runner.runSync("docker", compose("down", "-v", "--remove-orphans", "--timeout", "0"), { timeoutMs: 60_000 }), async: stop });
  try {
    req.onPhase?.(`starting container (${image})`);
    const started = Date.now();
    const up = await runner.run("docker", compose("up", "-d"), { env });
    if (up.exitCode !== 0) {
      appendFileSync(req.logFile, up.stderr + "\n");
      throw new StartupFailure(upCause(up.stderr), tailOf(up.stderr, 20), `docker compose up failed: ${up.stderr.trim().split("\n").pop()}`);
    }
    logs = runner.follow("docker", compose("logs", "-f", "--no-color", "--no-log-prefix"), { logFile: req.logFile, env });
    // `logs -f` ends when the container stops: that is when the engine exited
    const exited = logs.exited.then(() => containerExit(runner, compose("ps", "-a", "--format", "json"), env));
    req.onPhase?.("loading");
    const outcome = await waitReady(spec, { timeoutMs: req.startupTimeoutMs, exited, signal: req.signal });
    if (outcome !== "ready") throw failStartup(req, outcome, outcome === "exited" ? { code: (await exited).code } : {});
    const logTail = (lines = 40) => tailOf(readLog(req.logFile), lines);
    return { spec, startupS: (Date.now() - started) / 1000, exited, stop, logTail };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Caches on persistent host folders, and every absolute path the engine is given (model files) read-only. */
function mounts(spec: LaunchSpec, o: DockerOptions): BindMount[] {
  const home = homedir();
  const hf = o.hf_cache ?? process.env.HF_HOME ?? join(home, ".cache", "huggingface");
  const out: BindMount[] = [{ host: hf, container: "/root/.cache/huggingface" }];
  if (spec.engine === "vllm") out.push({ host: o.compile_cache ?? process.env.VLLM_CACHE_ROOT ?? join(home, ".cache", "vllm"), container: "/root/.cache/vllm" });
  for (const arg of new Set(spec.args)) {
    if (isAbsolute(arg) && existsSync(arg)) out.push({ host: arg, container: arg, readOnly: true });
  }
  return out;
}

function upCause(stderr: string): FailureCause {
  if (/port is already allocated|address already in use/i.test(stderr)) return "bind_failed";
  if (/pull access denied|manifest unknown|not found|no such image/i.test(stderr)) return "missing_binary";
  if (/could not select device driver|nvidia|gpu/i.test(stderr)) return "invalid_config";
  return "crashed";
}

/** The engine container's exit code, from `docker compose ps -a --format json` (an array or one object per line). */
async function containerExit(runner: CommandRunner, args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: string | null }> {
  const r = await runner.run("docker", args, { env });
  const text = r.stdout.trim();
  let entries: { ExitCode?: number; State?: string }[] = [];
  try {
    entries = text.startsWith("[") ? JSON.parse(text) : text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    /* unknown format: exit code unknown */
  }
  const code = entries.find((e) => typeof e.ExitCode === "number")?.ExitCode;
  return { code: code ?? null, signal: null };
}
