import { renameSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";

/** Writes a whole file so that readers (and a crash) see the old content or the new, never half of it. */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  const fd = openSync(tmp, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
