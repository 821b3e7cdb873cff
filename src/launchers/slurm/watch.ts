import type { CommandRunner } from "../commands.ts";
import { isActive, jobState, type JobState } from "./jobs.ts";

export interface JobWatch {
  /** Latest known state (undefined before the first answer). */
  readonly state: JobState | undefined;
  readonly done: boolean;
  /** Resolves with the final state once the job is no longer pending or running (or the watch is stopped). */
  ended: Promise<JobState | undefined>;
  stop(): void;
}

/** Polls one job's state every `pollMs` until it ends. */
export function watchJob(runner: CommandRunner, jobId: string, pollMs: number): JobWatch {
  let state: JobState | undefined;
  let done = false;
  let finish!: (s: JobState | undefined) => void;
  const ended = new Promise<JobState | undefined>((r) => (finish = r));
  const end = (s: JobState | undefined) => {
    if (done) return;
    done = true;
    finish(s);
  };
  void (async () => {
    while (!done) {
      const s = await jobState(runner, jobId).catch(() => state);
      if (done) return;
      state = s ?? state;
      // a job SLURM has forgotten is over too; a state that never arrived means "not yet"
      if (!isActive(s) && (s || state)) return end(state);
      await new Promise((r) => setTimeout(r, pollMs).unref());
    }
  })();
  return {
    get state() {
      return state;
    },
    get done() {
      return done;
    },
    ended,
    stop: () => end(state && isActive(state) ? { ...state, state: "CANCELLED" } : state),
  };
}
