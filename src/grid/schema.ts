import { z } from "zod";
import { DEFAULT_POINT_TIMEOUT_S, DEFAULT_REQUEST_TIMEOUT_S } from "../client/types.ts";
import { gridEngineKinds } from "../engines/registry.ts";
import { TelemetryConfig } from "../telemetry/config.ts";

/** A grid parameter value: what a flag or client setting can take. */
export const ParamValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;
/** A base argument may also be a JSON object (vLLM's `compilation-config`). */
export const ArgValue = z.union([ParamValue, z.record(z.string(), z.unknown())]);
export type ArgValue = z.infer<typeof ArgValue>;

const SuiteEntry = z.strictObject({
  kind: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});

const LauncherConfig = z.strictObject({
  kind: z.string().default("local"),
  startup_timeout_s: z.number().positive().default(600),
  stop_timeout_s: z.number().positive().default(15),
  parallel: z.number().int().positive().default(1),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const GridSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-' only"),
  description: z.string().optional(),
  /** An engine of the registry that grids may name (llamacpp, vllm). */
  engine: z.enum(gridEngineKinds()),
  /** Path to a .gguf (llama.cpp), a Hugging Face id or path (vLLM), or `tiny` for the generated test model. */
  model: z.string().min(1),
  served_name: z.string().min(1).optional(),
  /** Engine binary: llama-server path, or the `vllm` executable; default found by setup / PATH. */
  binary: z.string().min(1).optional(),
  /** Flags every point gets, by long name without dashes: `{ ctx-size: 8192, tensor-parallel-size: 2 }`. */
  args: z.record(z.string(), ArgValue).default({}),
  /** Environment for the engine; values may reference the caller's environment as `${NAME}`. */
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  /** Cartesian product over named parameters. */
  matrix: z.record(z.string(), z.array(ParamValue).min(1)).default({}),
  /** Points matching every key of a rule are dropped. */
  exclude: z.array(z.record(z.string(), ParamValue)).default([]),
  suites: z.array(SuiteEntry).min(1),
  /** Repetitions of every scenario; when set it overrides the suites' definitions (a suite's own `options.repetitions` still wins). */
  repetitions: z.number().int().positive().optional(),
  launcher: LauncherConfig.default({ kind: "local", startup_timeout_s: 600, stop_timeout_s: 15, parallel: 1, options: {} }),
  /** Longest wait, in seconds, for an engine's answer to start and for each next piece of it; a request past it fails the point as `request_timeout`. */
  request_timeout_s: z.number().positive().default(DEFAULT_REQUEST_TIMEOUT_S),
  /** Watchdog: a point (all its suites) still running after this many seconds fails as `point_timeout`; the engine is then restarted. */
  point_timeout_s: z.number().positive().default(DEFAULT_POINT_TIMEOUT_S),
  /** Where suites send requests: direct to the engine's OpenAI API, through the built-in proxy, the engine's native /v1/messages, or an external URL. */
  path: z.union([z.enum(["direct", "proxy", "native"]), z.url()]).default("direct"),
  /** Resource sampling beside each engine start: auto | off | nvidia | proc, or `{ kind, interval_ms }`. */
  telemetry: TelemetryConfig,
});

export type Grid = z.infer<typeof GridSchema>;
export type SuiteEntry = z.infer<typeof SuiteEntry>;
