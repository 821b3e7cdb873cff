import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { llamaBundle } from "../src/setup/bundle.ts";
import { withLock } from "../src/setup/lock.ts";
import { runLogged } from "../src/setup/run-logged.ts";
import { requireTools } from "../src/setup/system-tools.ts";

const dir = mkdtempSync(join(tmpdir(), "setup-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("llama.cpp bundle", () => {
  it("keys the cache on the tag and the bundle's HEAD, as git lists it", async () => {
    const bundle = llamaBundle();
    const { stdout } = await execa("git", ["bundle", "list-heads", bundle.path]);
    const head = stdout.split("\n").find((l) => l.endsWith(" HEAD"))!.split(" ")[0];
    expect(bundle.commit).toBe(head);
    expect(bundle.version).toBe(`${bundle.tag}-${head.slice(0, 7)}`);
  });
});

describe("build lock", () => {
  it("runs holders one at a time", async () => {
    const lock = join(dir, "serial.lock");
    const events: string[] = [];
    const job = (name: string) => withLock(lock, async () => {
      events.push(`${name} in`);
      await sleep(50);
      events.push(`${name} out`);
    });
    await Promise.all([job("a"), job("b")]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock whose owner process is gone", async () => {
    const lock = join(dir, "stale.lock");
    mkdirSync(lock);
    const dead = execa("node", ["-e", ""]);
    const { pid } = dead;
    await dead;
    writeFileSync(join(lock, "owner.json"), JSON.stringify({ pid, host: hostname() }));
    expect(await withLock(lock, async () => "ran")).toBe("ran");
  });

  it("waits for a live owner and says who holds it", async () => {
    const lock = join(dir, "live.lock");
    mkdirSync(lock);
    writeFileSync(join(lock, "owner.json"), JSON.stringify({ pid: process.pid, host: hostname() }));
    const waits: string[] = [];
    setTimeout(() => rmSync(lock, { recursive: true, force: true }), 300);
    expect(await withLock(lock, async () => "ran", (owner) => waits.push(owner))).toBe("ran");
    expect(waits).toEqual([`pid ${process.pid} on ${hostname()}`]);
  });
});

describe("system tools", () => {
  it("names every missing tool with an install hint", () => {
    expect(() => requireTools(["git", "no-such-tool-xyz", "nor-this|either-this"])).toThrow(
      "missing system tools: no-such-tool-xyz, nor-this (needed to build llama.cpp)",
    );
  });
});

describe("logged build steps", () => {
  it("fail naming the log file and quoting the last lines", async () => {
    const logPath = join(dir, "step.log");
    const log = createWriteStream(logPath);
    const run = runLogged(["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; done; echo oops >&2; exit 3"], log, logPath);
    await expect(run).rejects.toThrow(`sh -c failed (exit 3); see ${logPath}:\nline 4`);
    await expect(run).rejects.toThrow(/line 10\noops$/);
    await new Promise((resolve) => log.end(resolve));
    expect(readFileSync(logPath, "utf8")).toContain("line 1\n");
  });
});

describe("build lock under contention", () => {
  it("six processes facing the same stale lock hold it one at a time, round after round", async () => {
    const root = mkdtempSync(join(tmpdir(), "lock-race-"));
    const rounds = 25;
    const contenders = 6;
    const dead = execa("node", ["-e", ""]);
    const { pid } = dead;
    await dead;
    for (let r = 0; r < rounds; r++) {
      // a lock left behind by a process that died while holding it
      mkdirSync(join(root, `lock-${r}`));
      writeFileSync(join(root, `lock-${r}`, "owner.json"), JSON.stringify({ pid, host: hostname() }));
      writeFileSync(join(root, `journal-${r}`), "");
    }
    const procs = Array.from({ length: contenders }, () =>
      execa("node", ["--import", "tsx", "test/helpers/lock-contender.ts", root, String(rounds)], { reject: false }));
    const crashed: string[] = [];
    for (const p of procs) void p.then((r) => r.exitCode !== 0 && crashed.push(r.stderr.split("\n").find((l) => /Error/.test(l)) ?? r.stderr));
    const overlapping: number[] = [];
    for (let r = 0; r < rounds && !crashed.length; r++) {
      while (!crashed.length && readdirSync(root).filter((f) => f.startsWith(`ready-${r}-`)).length < contenders) await sleep(5);
      writeFileSync(join(root, `go-${r}`), "");
      while (!crashed.length && readFileSync(join(root, `journal-${r}`), "utf8").split("\n").filter((l) => l.startsWith("out")).length < contenders) await sleep(5);
      let held = 0;
      for (const line of readFileSync(join(root, `journal-${r}`), "utf8").trim().split("\n")) {
        held += line.startsWith("in") ? 1 : -1;
        if (held > 1) {
          overlapping.push(r);
          break;
        }
      }
    }
    for (const p of procs) if (crashed.length) p.kill();
    await Promise.all(procs);
    expect(crashed).toEqual([]); // e.g. a waiter removed the lock another had just made, under its owner file: ENOENT
    expect(overlapping).toEqual([]); // before the takeover mutex, two waiters that saw the same stale lock both took it
  }, 120_000);
});
