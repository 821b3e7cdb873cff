import type { Command } from "commander";
import { MATCHED_VLLM_VERSION } from "../../sim/argv/real-flags.ts";

/** `bench sim serve <model> [vllm flags]`: the vLLM simulator, launched with exactly `vllm serve`'s argv. */
export function register(program: Command): void {
  const sim = program.command("sim").description("vLLM simulator: `vllm serve` for machines without a GPU");
  sim
    .command("serve")
    .description(
      `same argv as \`vllm serve <model> [flags]\` of vLLM ${MATCHED_VLLM_VERSION} (see \`bench sim serve --help\`), plus simulator switches ` +
        "--time-scale K, --hardware PROFILE, --fail-after-requests N, --crash-at-startup, --sim-seed N",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[vllm-args...]")
    .action(async (args: string[]) => {
      process.exitCode = await serve(rawServeArgs(args));
    });
  sim
    .command("profiles")
    .description("list hardware profiles (name, provenance, description)")
    .action(async () => {
      const { listProfiles, loadHardwareProfile } = await import("../../sim/index.ts");
      for (const name of listProfiles()) {
        const p = loadHardwareProfile(name);
        process.stdout.write(`${name}\t${p.provenance}\t${p.description}\n`);
      }
    });
}

/** The argv after `sim serve`, verbatim (commander would swallow `--`). */
function rawServeArgs(fallback: string[]): string[] {
  const sim = process.argv.indexOf("sim");
  const at = sim >= 0 ? process.argv.indexOf("serve", sim) : -1;
  return at >= 0 ? process.argv.slice(at + 1) : fallback;
}

async function serve(argv: string[]): Promise<number> {
  const { SimExit, startSimServer } = await import("../../sim/index.ts");
  try {
    const server = await startSimServer({ argv });
    const stop = () => void server.close();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return await server.exited;
  } catch (err) {
    if (err instanceof SimExit) return err.exitCode;
    throw err;
  }
}
