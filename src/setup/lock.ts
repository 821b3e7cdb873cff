import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

interface Owner {
  pid: number;
  host: string;
}

/** A lock directory without an owner file is being created; only after this long is it abandoned. */
const OWNERLESS_GRACE_MS = 30_000;

/**
 * Runs fn while holding a directory lock (mkdir is atomic), so concurrent processes (tests, CLI) take turns.
 * A lock whose owner process is gone is stale and is taken over, but only under a second, kernel-held lock
 * (see takeoverMutex) and after checking again that it is still stale: two waiters that both saw the same
 * stale lock can never both remove it, and neither can remove the fresh lock the other just made.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, onWait?: (owner: string) => void, pollMs = 250): Promise<T> {
  let warned = false;
  while (!tryAcquire(lockDir)) {
    if (isStale(lockDir) && (await takeOver(lockDir))) continue;
    if (!warned) onWait?.(describeOwner(lockDir));
    warned = true;
    await sleep(pollMs);
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

/** Removes a stale lock if, checked again under the takeover mutex, it still is one; false if the mutex was busy. */
async function takeOver(lockDir: string): Promise<boolean> {
  const release = await takeoverMutex(lockDir);
  if (!release) return false;
  try {
    if (isStale(lockDir)) rmSync(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    await release();
  }
}

/**
 * A mutex the kernel releases when its holder dies, so it can never go stale itself: a Linux abstract-namespace
 * socket named after the lock. Elsewhere, an exclusively created ticket file held for the few milliseconds of a
 * takeover (abandoned tickets expire after 10 s). Resolves to a release function, or undefined when busy.
 */
async function takeoverMutex(lockDir: string): Promise<(() => Promise<void>) | undefined> {
  if (process.platform === "linux") {
    const name = `\0tunelab-lock-${createHash("sha256").update(lockDir).digest("hex").slice(0, 32)}`;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen({ path: name }, () => resolve(true));
    });
    return bound ? () => new Promise<void>((resolve) => server.close(() => resolve())) : undefined;
  }
  const ticket = `${lockDir}.takeover`;
  try {
    writeFileSync(ticket, randomBytes(8).toString("hex"), { flag: "wx" });
  } catch {
    if (ageMs(ticket) > 10_000) rmSync(ticket, { force: true });
    return undefined;
  }
  return async () => rmSync(ticket, { force: true });
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
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
    return ageMs(lockDir) > OWNERLESS_GRACE_MS;
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
