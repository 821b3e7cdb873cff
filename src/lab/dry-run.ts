import { engineFor } from "../engines/registry.ts";
import type { LaunchSpec } from "../engines/types.ts";
import { expandGrid, type Point } from "../grid/expand.ts";
import type { Grid } from "../grid/schema.ts";
import { redactArgs, redactEnv, redactText, registerTree } from "../util/secrets.ts";

/** Shell-quotes one argument for display. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_\-.,/:=@+%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(spec: LaunchSpec): string {
  return [spec.command, ...redactArgs(spec.args)].map(quote).join(" ");
}

/** What `--dry-run` shows per point: id, the engine command line and env (secrets redacted); launches nothing. */
export function dryRun(
  grid: Grid, opts: { simulate?: boolean; binary?: string; model?: string; timeScale?: number; hardware?: string },
): Array<{ point: Point; spec: LaunchSpec }> {
  registerTree(grid);
  const simulation = opts.simulate ? { timeScale: opts.timeScale ?? 1, hardware: opts.hardware } : undefined;
  const adapter = engineFor(opts.simulate ? "sim" : grid.engine);
  const binary = opts.binary ?? grid.binary ?? engineFor(grid.engine).defaultBinary;
  const model = opts.model ?? grid.model;
  const port = adapter.defaultPort;
  return expandGrid(grid).map((point) => ({
    point,
    spec: adapter.render({ grid, server: point.server, host: "127.0.0.1", port, binary, model, simulation }),
  }));
}

export function formatDryRun(items: Array<{ point: Point; spec: LaunchSpec }>): string {
  return items
    .map(({ point, spec }) => {
      const params = redactText(Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(" "));
      const env = Object.entries(redactEnv(spec.env)).map(([k, v]) => `${k}=${quote(v)}`).join(" ");
      const client = Object.keys(point.client).length ? `  client: ${Object.entries(point.client).map(([k, v]) => `${k}=${v}`).join(" ")}\n` : "";
      return `# point ${point.id} (server ${point.serverId}) ${params}\n${client}  env: ${env || "(none)"}\n  ${commandLine(spec)}\n`;
    })
    .join("\n");
}
