/**
 * One contender for the setup lock, as a separate process, for ROUNDS rounds: in round r it says it is ready,
 * waits until `go-r` exists (so every contender starts at the same moment), takes `lock-r` and records when it
 * held it in `journal-r`. Usage: node --import tsx test/helpers/lock-contender.ts DIR ROUNDS
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withLock } from "../../src/setup/lock.ts";

const [dir, rounds] = process.argv.slice(2);
for (let r = 0; r < Number(rounds); r++) {
  writeFileSync(join(dir, `ready-${r}-${process.pid}`), "");
  while (!existsSync(join(dir, `go-${r}`))) await sleep(1);
  await withLock(join(dir, `lock-${r}`), async () => {
    appendFileSync(join(dir, `journal-${r}`), `in ${process.pid}\n`);
    await sleep(10);
    appendFileSync(join(dir, `journal-${r}`), `out ${process.pid}\n`);
  }, undefined, 20);
}
