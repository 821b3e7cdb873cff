import { createServer } from "node:net";
import type { SimConfig } from "../config.ts";
import { StartupFailure, frame } from "./failure.ts";

/** vLLM binds its port before starting the engine, so a busy port fails at once. */
export async function checkPortFree(config: SimConfig): Promise<void> {
  if (config.args.port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new StartupFailure("config", "OSError: [Errno 98] Address already in use", [frame("vllm/entrypoints/openai/api_server.py", 1854, "create_server_socket", "sock.bind(addr)")]) : err),
    );
    probe.listen(config.args.port, config.args.host ?? undefined, () => probe.close(() => resolve()));
  });
}
