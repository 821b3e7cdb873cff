import { execa } from "execa";
import { badInput } from "../errors.ts";
import { onPath } from "./system-tools.ts";

const APT_LINE = "apt-get install python3 python3-venv";

/** The system python3 for venvs: present, new enough, with the venv module (Debian splits it out). */
export async function requirePython3(minimum: [number, number]): Promise<string> {
  if (!onPath("python3")) throw badInput("python3 not found (needed for the lab's Python venvs)", `run: ${APT_LINE}`);
  const probe = await execa("python3", ["-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"], { reject: false, stdin: "ignore" });
  if (probe.exitCode !== 0) throw badInput("python3 lacks the venv module or ensurepip", `run: ${APT_LINE}`);
  const [major, minor] = String(probe.stdout).trim().split(".").map(Number);
  if (major < minimum[0] || (major === minimum[0] && minor < minimum[1])) {
    throw badInput(`python3 is ${major}.${minor}; need ${minimum.join(".")} or newer`, `install a newer python3 and put it first on PATH`);
  }
  return "python3";
}
