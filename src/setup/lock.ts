import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

interface Owner {
  pid: number;
  host: string;
}

/**
 * Runs fn while holding a directory lock (mkdir is atomic), so concurrent processes (tests, CLI) take turns.
 * A lock whose owner process is gone is stale and gets taken over.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, onWait?: (owner: string) => void): Promise<T> {
  let warned = false;
  while (!tryAcquire(lockDir)) {
    if (isStale(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!warned) onWait?.(describeOwner(lockDir));
    warned = true;
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryAcquire(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  const owner: Owner = { pid: process.pid, host: hostname() };
  writeFileSync(join(lockDir, "owner.json"), JSON.stringify(owner));
  return true;
}

function readOwner(lockDir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(lockDir, "owner.json"), "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

function isStale(lockDir: string): boolean {
  const owner = readOwner(lockDir);
  if (!owner) {
    // Owner file not written yet (just created) or lost: stale only after a grace period.
    try {
      return Date.now() - statSync(lockDir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function describeOwner(lockDir: string): string {
  const owner = readOwner(lockDir);
  return owner ? `pid ${owner.pid} on ${owner.host}` : "another process";
}
