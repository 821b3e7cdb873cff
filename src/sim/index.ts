/**
 * The vLLM simulator: `vllm serve` for machines without a GPU (argv, startup, HTTP API, metrics, failures), timed
 * by a performance model calibrated on hardware profiles (perf-model.ts, profiles/*.yaml).
 */
export { parseVllmArgv, type ParsedArgv } from "./argv/parse-argv.ts";
export { ArgparseExit } from "./argv/argparse-exit.ts";
export { startSimServer, SimExit, type SimServer, type StartSimServerOptions } from "./sim-server.ts";
export { loadHardwareProfile, listProfiles, DEFAULT_PROFILE, type HardwareProfile } from "./profile.ts";
export { countTokens, tokenize } from "./text/tokenizer.ts";

/*
 * Time scale: `--time-scale K` runs the model K times faster than real time. Every time the server reports (log
 * timestamps, `created`, metrics, durations in log lines) is already real-time-equivalent, but a client measures
 * wall time: multiply client-measured durations by K (divide rates by K) to get real-time-equivalent figures.
 * The server reveals K in the `x-sim-time-scale` header of every response and in `GET /version` (`sim.time_scale`).
 */
