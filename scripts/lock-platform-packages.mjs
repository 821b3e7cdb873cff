#!/usr/bin/env node
// node-llama-cpp lists prebuilt binaries for every platform as optional dependencies. When the npm registry
// mirror in use lacks some of them, `npm install` leaves them out of package-lock.json and `npm ci` then refuses
// the lock. This adds the missing entries (os/cpu-restricted, so npm ci skips them on other platforms).
// Run after `npm install` changes the lock: `node scripts/lock-platform-packages.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const parent = lock.packages["node_modules/node-llama-cpp"];
const platform = (name) => {
  const os = name.startsWith("mac") ? "darwin" : name.startsWith("win") ? "win32" : "linux";
  const cpu = /arm64/.test(name) ? "arm64" : /armv7l/.test(name) ? "arm" : /riscv64/.test(name) ? "riscv64" : "x64";
  return { os: [os], cpu: [cpu] };
};
let added = 0;
for (const [dep, version] of Object.entries(parent.optionalDependencies ?? {})) {
  const key = `node_modules/${dep}`;
  if (lock.packages[key]) continue;
  const { os, cpu } = platform(dep.split("/")[1]);
  lock.packages[key] = { version, cpu, license: "MIT", optional: true, os, engines: { node: ">=20.0.0" } };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: ${added} platform package entr${added === 1 ? "y" : "ies"} added`);
