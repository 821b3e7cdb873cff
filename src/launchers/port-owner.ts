import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Who listens on a local TCP port, seen from an engine's process group: `ours` (a process of the group),
 * `foreign` (a process that was running before the group's leader started, so it cannot be the engine or
 * something the engine started, such as a container's port proxy) or `unknown` (no /proc, nothing listening
 * in this network namespace, or a holder we may not inspect). Linux only; elsewhere always `unknown`.
 *
 * Why: the lab picks a free port and hands it to the engine, which binds it seconds later. Another process on
 * the machine (another lab, another engine) may take the same port meanwhile; its /health answers 200, and
 * without this check the lab would measure that server instead of the engine it started.
 */
export type PortOwner = "ours" | "foreign" | "unknown";

interface Proc {
  pid: number;
  pgrp: number;
  /** Clock ticks after boot (field 22 of /proc/PID/stat). */
  startTicks: number;
}

export function portOwner(port: number, group: number): PortOwner {
  const inodes = listeningInodes(port);
  if (!inodes.size) return "unknown";
  const procs = processes();
  const leader = procs.find((p) => p.pid === group);
  if (!leader) return "unknown";
  const holds = (p: Proc) => socketInodes(p.pid).some((i) => inodes.has(i));
  if (procs.some((p) => p.pgrp === group && holds(p))) return "ours";
  const holder = procs.find((p) => p.pgrp !== group && holds(p));
  return holder && holder.startTicks < leader.startTicks ? "foreign" : "unknown";
}

/** Inodes of sockets in LISTEN state (st 0A) on `port`, any local address, IPv4 and IPv6. */
function listeningInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const out = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1].endsWith(`:${hex}`) && f[3] === "0A") out.add(f[9]);
    }
  }
  return out;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of safe(() => readdirSync("/proc"), [])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = safe(() => readFileSync(`/proc/${name}/stat`, "utf8"), "");
    // fields after the command name, which may hold spaces and parentheses: state ppid pgrp ... starttime (22nd)
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (rest.length > 19) out.push({ pid: Number(name), pgrp: Number(rest[2]), startTicks: Number(rest[19]) });
  }
  return out;
}

function socketInodes(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return safe(() => readdirSync(dir), []).map((fd) => /^socket:\[(\d+)\]$/.exec(safe(() => readlinkSync(`${dir}/${fd}`), ""))?.[1] ?? "").filter(Boolean);
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
