import { renameSync, rmSync, writeFileSync } from "node:fs";

/** Seconds between beats, and between the job's checks of them: a quarter of the timeout. */
export function beatInterval(timeoutS: number): number {
  return Math.max(1, Math.floor(timeoutS / 4));
}

/**
 * The lab's side of a job's heartbeat: the file's content changes every beat (a new timestamp, written by an
 * atomic rename so the job never reads half a file). Reading content, not mtime, works on NFS, whose attribute
 * cache can hide a new mtime for a minute. `stop()` removes the file, which also tells the job to stop.
 */
export function startHeartbeat(file: string, timeoutS: number): { stop(): void } {
  const beat = () => {
    try {
      writeFileSync(`${file}.tmp`, `${Date.now()}\n`);
      renameSync(`${file}.tmp`, file);
    } catch {
      /* a missed beat; the job tolerates several */
    }
  };
  beat();
  const timer = setInterval(beat, beatInterval(timeoutS) * 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      rmSync(file, { force: true });
    },
  };
}
