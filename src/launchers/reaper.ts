/**
 * Every engine the lab starts is registered here until it is stopped, so that Ctrl-C, SIGTERM or a crash of
 * `bench` never leaves one behind. Launchers register a cleanup for their own kind of engine (process group,
 * job, container); the CLI installs the signal handlers once.
 */
type Cleanup = { sync: () => void; async: () => Promise<void> };

const live = new Map<number, Cleanup>();
let nextId = 1;
let installed = false;

export function track(cleanup: Cleanup): () => void {
  const id = nextId++;
  live.set(id, cleanup);
  return () => live.delete(id);
}

export async function stopAll(): Promise<void> {
  const all = [...live.values()];
  live.clear();
  await Promise.allSettled(all.map((c) => c.async()));
}

/** On SIGINT/SIGTERM: stop engines, then run `onSignal` (which should end the process with the right code). */
export function installSignalHandlers(onSignal: (signal: NodeJS.Signals) => void): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    onSignal(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  process.on("SIGHUP", handler);
  // Last resort when the process exits without a signal handler running (uncaught error, process.exit).
  process.on("exit", () => {
    for (const cleanup of live.values()) cleanup.sync();
  });
}
