import { execa } from "execa";
import { badInput, failure } from "../errors.ts";

async function missing(packages: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of packages) {
    const r = await execa("dpkg-query", ["-W", "-f=${Status}", name], { reject: false, stdin: "ignore" });
    if (!String(r.stdout).includes("install ok installed")) out.push(name);
  }
  return out;
}

/**
 * Installs the Debian packages a setup needs when they are missing: as root with apt-get (updating the lists
 * once if the first try fails), otherwise a one-line error with the command to run.
 */
export async function ensureDebianPackages(packages: string[], say: (line: string) => void): Promise<void> {
  if (packages.length === 0) return;
  const todo = await missing(packages);
  if (todo.length === 0) return;
  const line = `apt-get install -y ${todo.join(" ")}`;
  if (process.getuid?.() !== 0) throw badInput(`missing Debian packages: ${todo.join(", ")}`, `run as root: ${line}`);
  say(`installing Debian packages: ${todo.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "-q", "--no-install-recommends", ...todo];
  let r = await execa("apt-get", args, { env, reject: false, stdin: "ignore", all: true });
  if (r.exitCode !== 0) {
    await execa("apt-get", ["update", "-q"], { env, reject: false, stdin: "ignore" });
    r = await execa("apt-get", args, { env, reject: false, stdin: "ignore", all: true });
  }
  if (r.exitCode !== 0) {
    const last = String(r.all ?? "").trim().split("\n").pop();
    throw failure(`${line} failed: ${last}`, "check the Debian mirror, or install the packages by hand");
  }
}
