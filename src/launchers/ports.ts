import { createServer, connect } from "node:net";

/** A port that is free on `host` right now (the kernel picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Ports handed to engines of this process that may not be bound yet: never handed out twice. */
const reserved = new Set<number>();

/**
 * A free port reserved for one engine until `release()`: with several points starting at once, the kernel may
 * offer the same port again before the first engine has bound it, and a probe would then reach the wrong engine.
 */
export async function reservePort(host = "127.0.0.1"): Promise<{ port: number; release(): void }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort(host);
    if (reserved.has(port)) continue;
    reserved.add(port);
    return { port, release: () => reserved.delete(port) };
  }
  throw new Error("no free port found after 50 attempts");
}

/** True while something accepts connections on host:port. */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function waitPortFree(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await portInUse(host, port))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !(await portInUse(host, port));
}
