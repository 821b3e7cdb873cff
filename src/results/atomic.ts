import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { failure } from "../errors.ts";

/** Writes a whole file so that readers (and a crash) see the old content or the new, never half of it. */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    const fd = openSync(tmp, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(file, err);
  }
}

/**
 * A failed write of a results file as the one-line error the user sees (exit 1): a full disk says so and how to
 * go on; the file itself still holds what it held before.
 */
export function writeError(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return failure(`disk full: cannot write ${file} (${code})`, "free some space, then continue with `bench grid FILE --resume RUN_DIR`; finished points are kept");
  }
  return err instanceof Error ? err : new Error(String(err));
}
