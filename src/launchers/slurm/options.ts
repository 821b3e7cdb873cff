import { z } from "zod";
import { badInput } from "../../errors.ts";

/** `launcher.options` of a slurm grid (other launchers' keys are ignored, so one grid can switch launchers). */
export const SlurmOptions = z.object({
  partition: z.string().min(1).optional(),
  /** `--gpus`: a count or `type:count` (e.g. `h200:2`). */
  gpus: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
  /** Wall time, SLURM format (`06:00:00`, `1-00:00:00`). */
  time: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  cpus: z.number().int().positive().optional(),
  mem: z.string().min(1).optional(),
  /** Extra sbatch arguments, e.g. [`--qos=short`, `--constraint=h200`]. */
  sbatch_args: z.array(z.string()).default([]),
  /** Shell lines run before the engine on the node (`module load cuda`, `source ~/vllm/bin/activate`). */
  prelude: z.union([z.string(), z.array(z.string())]).optional(),
  /** `ssh://[user@]login-host[:port]`: reach the engine through `ssh -N -L` instead of the cluster network. */
  tunnel: z.string().regex(/^ssh:\/\/[^/]+$/, "ssh://[user@]host[:port]").optional(),
  /** How long a job may stay PENDING before its points fail (default: the startup timeout). */
  pending_timeout_s: z.number().positive().optional(),
  /** How often squeue is asked about a job. */
  poll_s: z.number().positive().default(2),
  /**
   * The lab rewrites `<run dir>/slurm/<server_id>.alive` while it uses a job; a job that sees no new beat for this
   * long (the lab was killed, or its host went down) stops its engine and ends.
   */
  heartbeat_timeout_s: z.number().min(3).default(120),
});
export type SlurmOptions = z.infer<typeof SlurmOptions>;

export function parseSlurmOptions(options: Record<string, unknown>): SlurmOptions {
  const parsed = SlurmOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badInput(`launcher.options.${issue.path.join(".")}: ${issue.message}`);
}

export interface SlurmFlags {
  partition?: string;
  gpus?: string;
  time?: string;
  account?: string;
}

/** Command-line `--partition/--gpus/--time/--account` over the grid's `launcher.options`. */
export function withSlurmFlags<G extends { launcher: { options: Record<string, unknown> } }>(grid: G, flags: SlurmFlags): G {
  const set = Object.fromEntries(
    (["partition", "gpus", "time", "account"] as const).filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]]),
  );
  if (!Object.keys(set).length) return grid;
  return { ...grid, launcher: { ...grid.launcher, options: { ...grid.launcher.options, ...set } } };
}
