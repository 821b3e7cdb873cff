import { z } from "zod";

export const DEFAULT_INTERVAL_MS = 250;

const Settings = z.strictObject({
  /** auto | off | nvidia | proc (checked against the registry when the grid is validated). */
  kind: z.string().default("auto"),
  interval_ms: z.number().int().min(50).max(60_000).default(DEFAULT_INTERVAL_MS),
});

/**
 * A grid's `telemetry`: a kind (`telemetry: off`; YAML 1.1's `false` means off too) or `{ kind, interval_ms }`.
 * Default: auto (nvidia when `nvidia-smi` answers on the engine's host, else the engine's CPU and memory).
 */
export const TelemetryConfig = z
  .union([
    z.literal(false).transform(() => ({ kind: "off", interval_ms: DEFAULT_INTERVAL_MS })),
    z.string().transform((kind) => ({ kind, interval_ms: DEFAULT_INTERVAL_MS })),
    Settings,
  ])
  .default({ kind: "auto", interval_ms: DEFAULT_INTERVAL_MS });
export type TelemetryConfig = z.infer<typeof TelemetryConfig>;
