import { existsSync } from "node:fs";
import { execa } from "execa";

const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Debian's chromium for browser tests: installed with apt-get on first use (this machine is root with a Debian mirror). */
export async function ensureChromium(): Promise<string> {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = await execa("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env, reject: false });
  if (install.exitCode !== 0) {
    await execa("apt-get", ["update"], { env });
    await execa("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env });
  }
  const installed = CANDIDATES.find((p) => existsSync(p));
  if (!installed) throw new Error("chromium is still missing after apt-get install chromium");
  return installed;
}
