import type { CommandRunner, FollowedCommand } from "../commands.ts";
import { freePort } from "../ports.ts";

export interface Tunnel extends FollowedCommand {
  localPort: number;
}

/** `ssh://[user@]host[:port]` -> ssh destination and port arguments. */
export function sshTarget(url: string): string[] {
  const { username, hostname, port } = new URL(url);
  return [...(port ? ["-p", port] : []), username ? `${decodeURIComponent(username)}@${hostname}` : hostname];
}

/**
 * Forwards a local port to the engine through a login host, as users of clusters whose nodes are not
 * routable do by hand (`ssh -N -L localPort:node:port login-host`). Readiness polling tells when it works.
 */
export async function openTunnel(runner: CommandRunner, url: string, node: { host: string; port: number }, logFile: string): Promise<Tunnel> {
  const localPort = await freePort("127.0.0.1");
  const args = [
    "-N", "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=30", "-o", "BatchMode=yes",
    "-L", `127.0.0.1:${localPort}:${node.host}:${node.port}`, ...sshTarget(url),
  ];
  return { localPort, ...runner.follow("ssh", args, { logFile }) };
}
