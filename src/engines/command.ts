import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { parseCommandString } from "execa";
import { executableOrFail } from "./executable.ts";
import { badInput } from "../errors.ts";
import type { ArgValue, Grid } from "../grid/schema.ts";
import { isEnvParam, splitEnvParams } from "./env-params.ts";
import { renderFlags } from "./flags.ts";
import { classifyCommandLog } from "./command-classify.ts";
import type { Capabilities, EngineAdapter } from "./types.ts";

/** Placeholders every template may use; any server parameter may be one too (then it is not appended as a flag). */
const BUILTIN = ["model", "host", "port", "served_name"] as const;
/** `{name}`, but not the `${NAME}` environment references of env values. */
const PLACEHOLDER = /(?<!\$)\{([A-Za-z0-9_.-]+)\}/g;
/** Nothing is known until the server runs: the lab probes tokenize, /metrics and cache reset once it is ready. */
const UNKNOWN: Capabilities = { openaiChat: true, anthropicMessages: false, tokenize: null, resetPrefixCache: null, metrics: null };

/** The template as words: a YAML list is taken as is, a string is split on spaces (a backslash keeps one); placeholders are filled after. */
export function templateWords(template: string | string[]): string[] {
  return Array.isArray(template) ? template : parseCommandString(template.trim());
}

function placeholders(words: string[]): string[] {
  return words.flatMap((w) => [...w.matchAll(PLACEHOLDER)].map((m) => m[1]));
}

/**
 * `engine: command`: any OpenAI-compatible server started from a command template (vllm-mlx, SGLang, TGI,
 * Ollama, llama-server...). `{model} {host} {port} {served_name}` and `{param}` are filled in; the other server
 * parameters are appended as flags (`--name value`, `--x` / `--no-x`), `env.NAME` ones go to its environment
 * (env values may hold placeholders too: `OLLAMA_HOST: "{host}:{port}"`).
 * Ready when `/v1/models` answers 200; failures classified from the log's tail and the exit status.
 */
export const commandAdapter: EngineAdapter = {
  kind: "command",
  installHint: "install the server so the first word of the grid's `command:` is on PATH, or write its absolute path there",
  inGrids: true,
  defaultBinary: "",
  defaultPort: 8000,
  /** The template's first word must exist; a model that is a local path is made absolute, anything else passes as is. */
  async resolve({ grid, file, model }) {
    const binary = commandBinary(grid) ?? "";
    executableOrFail(binary, `${file}: field 'command': '${binary}' not found`, commandAdapter.installHint);
    const name = model ?? grid.model;
    return { binary, model: existsSync(resolvePath(name)) ? resolvePath(name) : name };
  },
  render({ grid, server, host, port, model }) {
    const servedName = grid.served_name ?? model;
    const { flags, env } = splitEnvParams(server);
    const params: Record<string, ArgValue> = { ...grid.args, ...flags };
    const values: Record<string, string> = { ...scalars(params), model, host, port: String(port), served_name: servedName };
    const words = templateWords(grid.command ?? []);
    const used = new Set(placeholders([...words, ...Object.values(grid.env)]));
    const fill = (text: string) => text.replace(PLACEHOLDER, (_, name: string) => values[name]);
    const rest = Object.fromEntries(Object.entries(params).filter(([name]) => !used.has(name)));
    const [command, ...args] = [...words.map(fill), ...renderFlags(rest)];
    const fullEnv = Object.fromEntries(Object.entries({ ...grid.env, ...env }).map(([k, v]) => [k, fill(v)]));
    return {
      engine: "command", command, args, env: fullEnv, host, port,
      baseUrl: `http://${host}:${port}`,
      servedName,
      readiness: { path: "/v1/models", loadingStatuses: [503] },
      capabilities: UNKNOWN,
      probeCapabilities: true,
    };
  },
  classifyLog: classifyCommandLog,
  checkGrid(grid, file) {
    if (!grid.command) throw badInput(`${file}: field 'command' is required with 'engine: command'`, "e.g. command: \"vllm-mlx serve {model} --host {host} --port {port}\"");
    if (typeof grid.command === "string" && /['"]/.test(grid.command)) {
      throw badInput(`${file}: field 'command': quotes are not parsed in a string template`, "write the command as a YAML list of words, e.g. [sh, -c, \"exec srv --port $1\", srv, \"{port}\"]");
    }
    const words = templateWords(grid.command);
    if (!words.length) throw badInput(`${file}: field 'command' is empty`);
    const known = new Set<string>([...BUILTIN, ...Object.keys(grid.args), ...Object.keys(grid.matrix).filter((n) => !isEnvParam(n))]);
    const inEnv = placeholders(Object.values(grid.env));
    for (const name of [...placeholders(words), ...inEnv]) {
      if (!known.has(name)) throw badInput(`${file}: field 'command': unknown placeholder {${name}}`, `known: ${[...known].map((k) => `{${k}}`).join(" ")}`);
    }
    if (![...placeholders(words), ...inEnv].includes("port")) {
      throw badInput(`${file}: field 'command' has no {port}`, "the lab picks a free port for each start: pass it with {port} (in the command or an env value)");
    }
  },
};

function scalars(params: Record<string, ArgValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]));
}

/** The server's executable: the template's first word. */
export function commandBinary(grid: Grid): string | undefined {
  return grid.command ? templateWords(grid.command)[0] : undefined;
}
