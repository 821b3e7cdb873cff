import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { LaunchSpec } from "../engines/types.ts";
import { expandEnv } from "../util/env.ts";
import { systemRunner, type CommandRunner } from "./commands.ts";
import { DEFAULT_IMAGES, renderComposeFile, type BindMount } from "./compose.ts";
import { composeName, detectComposeCli, type ComposeCli } from "./compose-cli.ts";
import { containerExit, imagePresent, lastLine, missingImage, upFailure } from "./docker-failures.ts";
import { parseDockerOptions, type DockerOptions } from "./docker-options.ts";
import { ownerLabels, sweepOrphans } from "./docker-owner.ts";
import { tailOf } from "./log-tail.ts";
import { reservePort, waitPortFree } from "./ports.ts";
import { waitReady } from "./readiness.ts";
import { track } from "./reaper.ts";
import { checkInput, failStartup, readLog } from "./startup-failure.ts";
import { StartupFailure, type EngineHandle, type Launcher, type LaunchRequest, type PrepareContext } from "./types.ts";

/** The port the engine listens on inside its container; the host side is a reserved loopback port. */
export const CONTAINER_PORT = 8000;

/**
 * One compose project per engine (`<run dir>/compose/<server_id>.yaml`): `up -d`, the container's logs followed
 * into the log file, `down -v --remove-orphans` after. `runner` is injectable so tests can record the commands.
 */
export function createDockerLauncher(runner: CommandRunner = systemRunner): Launcher {
  let checked: Promise<Docker> | undefined;
  const ready = (note: (line: string) => void = () => {}) =>
    (checked ??= preflight(runner, note).catch((err) => {
      checked = undefined; // checked again by the next point: the engine may have come up
      throw err;
    }));
  return {
    kind: "docker",
    async prepare(ctx) {
      try {
        const docker = await ready(ctx.note);
        ctx.note(`docker: engine ${docker.engineVersion}, compose CLI \`${composeName(docker.compose)}\``);
      } catch (err) {
        if (!(err instanceof StartupFailure)) throw err; // no compose CLI: bad setup, exit 2
        ctx.note(`docker: ${err.message}`); // no engine: one line here, and every point fails with it
        return;
      }
      await noteMissingImage(runner, ctx);
    },
    async start(req) {
      return startProject(runner, (await ready()).compose, req);
    },
  };
}

export const dockerLauncher = createDockerLauncher();

interface Docker {
  engineVersion: string;
  compose: ComposeCli;
}

/** Once per run: the docker CLI and engine answer, a compose CLI exists, and orphans of killed runs are removed. */
async function preflight(runner: CommandRunner, note: (line: string) => void): Promise<Docker> {
  const info = await runner.run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
  if (info.exitCode === 127) throw new StartupFailure("missing_binary", "", "docker CLI not found (install Docker with the compose plugin, or use --launcher local)");
  const compose = await detectComposeCli(runner);
  if (info.exitCode !== 0) {
    const why = lastLine(info.stderr) ?? `exit code ${info.exitCode}`;
    throw new StartupFailure("missing_binary", info.stderr, `no Docker engine reachable: \`docker info\` failed: ${why} (start Docker, e.g. \`sudo systemctl start docker\`, or set DOCKER_HOST; or use --launcher local)`);
  }
  for (const warning of await sweepOrphans(runner)) note(warning);
  return { engineVersion: info.stdout.trim(), compose };
}

async function noteMissingImage(runner: CommandRunner, ctx: PrepareContext): Promise<void> {
  let image: string | undefined;
  try {
    image = parseDockerOptions(ctx.options).image ?? DEFAULT_IMAGES[ctx.engine];
  } catch {
    return; // bad options: every point fails with the error
  }
  if (!image || (await imagePresent(runner, image))) return;
  ctx.note(`docker: ${missingImage(image, ctx.engine, "compose will try to pull it")}`);
}

async function startProject(runner: CommandRunner, compose: ComposeCli, req: LaunchRequest): Promise<EngineHandle> {
  const o = checkInput(() => parseDockerOptions(req.options));
  const inner = req.render("0.0.0.0", CONTAINER_PORT);
  const image = o.image ?? DEFAULT_IMAGES[inner.engine];
  if (!image) throw new StartupFailure("invalid_config", "", `the docker launcher has no image for engine '${inner.engine}' (the simulator runs with --launcher local)`);
  const env = checkInput(() => expandEnv(inner.env)); // fails early on unset ${REF}s; compose fills them in from this environment
  const reservation = o.host_port ? { port: o.host_port, release() {} } : await reservePort("127.0.0.1");
  const hostPort = reservation.port;
  const spec = req.render("127.0.0.1", hostPort);
  const file = join(req.runDir, "compose", `${req.serverId}.yaml`);
  const project = projectName(req.serverId, req.runDir);
  const volumes = mounts(inner, o);
  for (const v of volumes) if (!existsSync(v.host)) mkdirSync(v.host, { recursive: true });
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(dirname(req.logFile), { recursive: true });
  const gpus = o.gpus ?? (inner.engine === "vllm" ? "all" : undefined);
  const publish = { hostIp: "127.0.0.1", hostPort };
  writeFileSync(file, renderComposeFile(inner, { image, gpus, publish, volumes, labels: ownerLabels(req.runDir) }));
  const composeArgs = (...args: string[]) => [...compose.prefix, "-p", project, "-f", file, ...args];
  const down = (graceS: number) => composeArgs("down", "-v", "--remove-orphans", "--timeout", String(graceS));
  // takes the project down even if this process is killed with SIGKILL
  const guard = runner.guard(compose.command, down(0), { env });

  let logs: { stop(): void } | undefined;
  let stopping: Promise<void> | undefined;
  const upAbort = new AbortController();
  let upRun: Promise<unknown> = Promise.resolve();
  const stop = () =>
    (stopping ??= (async () => {
      // stopped during `up` (Ctrl-C): cut it short and let it end first, or `down` could miss what it creates
      upAbort.abort();
      await upRun.catch(() => {});
      await runner.run(compose.command, down(Math.ceil(req.stopTimeoutMs / 1000)), { env });
      logs?.stop();
      guard.disarm();
      await waitPortFree("127.0.0.1", hostPort, 5000);
      reservation.release();
      untrack();
    })());
  const untrack = track({ sync: () => runner.runSync(compose.command, down(0), { timeoutMs: 60_000 }), async: stop });
  try {
    req.onPhase?.(`starting container (${image})`);
    const started = Date.now();
    const upping = runner.run(compose.command, composeArgs("up", "-d"), { env, signal: upAbort.signal });
    upRun = upping;
    const up = await upping;
    if (up.exitCode !== 0) {
      appendFileSync(req.logFile, up.stderr + "\n");
      throw await upFailure(runner, up.stderr, image, inner.engine, hostPort);
    }
    const ps = await runner.run("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`, "--filter", "label=com.docker.compose.service=engine"]);
    const id = ps.stdout.trim().split("\n")[0];
    if (!id) throw new StartupFailure("crashed", tailOf(up.stderr, 20), `\`${compose.command} ${compose.prefix.join(" ")} up\` started no container for ${project}`);
    const followed = runner.follow("docker", ["logs", "-f", id], { logFile: req.logFile });
    logs = followed;
    // `docker logs -f` ends when the container stops, with all its output written: the engine exited
    const exited = followed.exited.then(() => containerExit(runner, id));
    req.onPhase?.("loading");
    const outcome = await waitReady(spec, { timeoutMs: req.startupTimeoutMs, exited, signal: req.signal });
    if (outcome !== "ready") {
      const ended = outcome === "exited" ? await exited : undefined;
      throw failStartup(req, outcome, ended ? { code: ended.code, cause: ended.oom ? "oom" : undefined } : {});
    }
    const logTail = (lines = 40) => tailOf(readLog(req.logFile), lines);
    return { spec, startupS: (Date.now() - started) / 1000, exited: exited.then(({ code }) => ({ code, signal: null })), stop, logTail };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `tunelab-<server id>-<run>`: the run directory's hash keeps two runs of one grid apart. */
export function projectName(serverId: string, runDir: string): string {
  const run = createHash("sha256").update(runDir).digest("hex").slice(0, 6);
  return `tunelab-${serverId}-${run}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
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
