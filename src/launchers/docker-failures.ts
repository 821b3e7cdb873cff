import type { EngineKind, FailureCause } from "../engines/types.ts";
import { localImageTag } from "../setup/image.ts";
import type { CommandRunner } from "./commands.ts";
import { tailOf } from "./log-tail.ts";
import { StartupFailure } from "./types.ts";

/** Why `compose up` failed: a taken host port, a missing image (with the fix), a GPU request, or else crashed. */
export async function upFailure(runner: CommandRunner, stderr: string, image: string, engine: EngineKind, hostPort: number): Promise<StartupFailure> {
  const tail = tailOf(stderr, 20);
  const why = composeError(stderr);
  if (/port is already allocated|address already in use/i.test(stderr)) {
    return new StartupFailure("bind_failed", tail, `host port 127.0.0.1:${hostPort} is taken: compose up failed: ${why}`);
  }
  if (!(await imagePresent(runner, image))) return new StartupFailure("missing_binary", tail, missingImage(image, engine, `the pull failed: ${why}`));
  const cause: FailureCause = /could not select device driver|nvidia|gpu/i.test(stderr) ? "invalid_config" : "crashed";
  return new StartupFailure(cause, tail, `compose up failed: ${why}`);
}

export async function imagePresent(runner: CommandRunner, image: string): Promise<boolean> {
  return (await runner.run("docker", ["image", "inspect", "--format", "{{.Id}}", image], { timeoutMs: 20_000 })).exitCode === 0;
}

/** One line: the image is missing, and how to get one without a registry. */
export function missingImage(image: string, engine: EngineKind, what: string): string {
  const fix = engine === "llamacpp"
    ? `build a local one with \`npx bench setup image llama.cpp\` and pass --image ${localImageTag()}`
    : "pull it on a machine with registry access and `docker save` / `docker load` it here";
  return `image '${image}' is not on this machine; ${what} (${fix})`;
}

/** The stopped container's exit code and whether the kernel killed it for memory. */
export async function containerExit(runner: CommandRunner, id: string): Promise<{ code: number | null; oom: boolean }> {
  const r = await runner.run("docker", ["inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", id]);
  const [code, oom] = r.stdout.trim().split(" ");
  return { code: r.exitCode === 0 && /^\d+$/.test(code ?? "") ? Number(code) : null, oom: oom === "true" };
}

/** The line of compose's output that says what went wrong (v1 ends with a generic "Encountered errors ..."). */
function composeError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const pick = (re: RegExp) => lines.filter((l) => re.test(l)).pop();
  return pick(/address already in use|port is already allocated/i) ?? pick(/error response from daemon|^error\b|denied|not found|no such|invalid/i) ?? lines.pop() ?? "no output";
}

export function lastLine(text: string): string | undefined {
  return text.trim().split("\n").map((l) => l.trim()).filter(Boolean).pop();
}
