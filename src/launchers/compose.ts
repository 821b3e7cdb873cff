import { stringify } from "yaml";
import { engineImages } from "../engines/registry.ts";
import type { EngineKind, LaunchSpec } from "../engines/types.ts";

/** Images whose entrypoint is the engine itself (`vllm serve`, `llama-server`), as each engine's plugin names them. */
export const DEFAULT_IMAGES: Partial<Record<EngineKind, string>> = engineImages();

export interface BindMount {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface ComposeOptions {
  image: string;
  /** GPUs to reserve: "all", a count, or device ids; none when absent or 0. */
  gpus?: "all" | number | string[];
  /** Publish the engine's port on the host (omitted: not published, e.g. for `network_mode` set elsewhere). */
  publish?: { hostIp: string; hostPort: number };
  volumes?: BindMount[];
  /** Labels on the container and its network (the lab records who owns the project). */
  labels?: Record<string, string>;
}

/** The container's command: the engine's argv without what the image's entrypoint already says. */
export function containerCommand(spec: LaunchSpec): string[] {
  return spec.engine === "vllm" && spec.args[0] === "serve" ? spec.args.slice(1) : spec.args;
}

/** One compose service running the engine of `spec` (rendered for the container: host 0.0.0.0, container port). */
export function renderComposeService(spec: LaunchSpec, opts: ComposeOptions): Record<string, unknown> {
  const service: Record<string, unknown> = {
    image: opts.image,
    command: containerCommand(spec),
    ipc: "host",
    restart: "no",
  };
  if (opts.labels && Object.keys(opts.labels).length) service.labels = opts.labels;
  if (Object.keys(spec.env).length) service.environment = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, composeValue(v)]));
  if (opts.publish) service.ports = [`${opts.publish.hostIp}:${opts.publish.hostPort}:${spec.port}`];
  if (opts.volumes?.length) {
    service.volumes = opts.volumes.map((v) => ({ type: "bind", source: v.host, target: v.container, read_only: !!v.readOnly }));
  }
  const devices = gpuDevices(opts.gpus);
  if (devices) service.deploy = { resources: { reservations: { devices: [devices] } } };
  return service;
}

/**
 * A whole compose file with the engine as service `engine`. No top-level `name:` (docker-compose v1 rejects
 * it): the project name is given with `-p`. The labels go on the project's network too, so a leftover network
 * can be traced to its owner like the container.
 */
export function renderComposeFile(spec: LaunchSpec, opts: ComposeOptions): string {
  const doc: Record<string, unknown> = { services: { engine: renderComposeService(spec, opts) } };
  if (opts.labels && Object.keys(opts.labels).length) doc.networks = { default: { labels: opts.labels } };
  return composeYaml(doc);
}

/**
 * YAML that both compose CLIs read the same way: docker-compose v1 parses YAML 1.1, where unquoted `on`, `no`
 * or `y` are booleans (`--flash-attn on` would become `True`), so strings like these are quoted.
 */
export function composeYaml(doc: unknown): string {
  return stringify(doc, { version: "1.1", aliasDuplicateObjects: false });
}

export function gpuDevices(gpus: ComposeOptions["gpus"]): Record<string, unknown> | undefined {
  if (gpus === undefined || gpus === 0 || (Array.isArray(gpus) && !gpus.length)) return undefined;
  const which = Array.isArray(gpus) ? { device_ids: gpus.map(String) } : { count: gpus };
  return { driver: "nvidia", ...which, capabilities: ["gpu"] };
}

const TEMPLATE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/g;

/**
 * Keeps `${NAME}` / `${NAME:-default}` for compose to fill in from its own environment at `up` (so secrets
 * never land in the file) and escapes every other `$`.
 */
export function composeValue(value: string): string {
  let out = "";
  let last = 0;
  for (const m of value.matchAll(TEMPLATE)) {
    out += value.slice(last, m.index).replace(/\$/g, "$$$$") + m[0];
    last = m.index + m[0].length;
  }
  return out + value.slice(last).replace(/\$/g, "$$$$");
}
