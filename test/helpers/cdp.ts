import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { WebSocket, request } from "undici";

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface BrowserPage {
  /** Console errors, uncaught exceptions and failed loads seen so far. */
  errors: string[];
  evaluate<T>(expression: string): Promise<T>;
  navigate(url: string): Promise<void>;
  close(): Promise<void>;
}

/** Headless Chromium driven over the DevTools protocol (undici WebSocket): no browser automation dependency. */
export async function openBrowser(chromium: string): Promise<BrowserPage> {
  const profile = mkdtempSync(join(tmpdir(), "tunelab-chromium-"));
  const proc = execa(chromium, [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank",
  ], { reject: false, stdio: "ignore" });
  const portFile = join(profile, "DevToolsActivePort");
  for (let i = 0; i < 300 && !existsSync(portFile); i++) await sleep(100);
  if (!existsSync(portFile)) throw new Error("chromium did not open its DevTools port");
  const port = readFileSync(portFile, "utf8").split("\n")[0];
  const targets = (await (await request(`http://127.0.0.1:${port}/json/list`)).body.json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(targets.find((t) => t.type === "page")!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  const errors: string[] = [];
  const pending = new Map<number, (m: CdpMessage) => void>();
  ws.addEventListener("message", (ev) => {
    const msg = JSON.parse(String(ev.data)) as CdpMessage;
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
    else collect(msg, errors);
  });
  let nextId = 1;
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result ?? {})));
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Runtime.enable");
  await send("Log.enable");
  await send("Page.enable");
  return {
    errors,
    async evaluate<T>(expression: string) {
      const r = (await send("Runtime.evaluate", { expression, returnByValue: true })) as { result: { value: T } };
      return r.result.value;
    },
    async navigate(url: string) {
      await send("Page.navigate", { url });
    },
    async close() {
      // Browser.close lets Chromium stop its helper processes itself; they may still be writing to the profile
      // for a moment after the main process exits, hence the retries on removal.
      await Promise.race([send("Browser.close").catch(() => undefined), sleep(3000)]);
      ws.close();
      await Promise.race([proc, sleep(5000)]);
      proc.kill("SIGKILL");
      await proc;
      rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
}

function collect(msg: CdpMessage, errors: string[]): void {
  const p = msg.params ?? {};
  if (msg.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert")) {
    errors.push(`console.${p.type}: ${JSON.stringify((p.args as Array<{ value?: unknown; description?: string }>).map((a) => a.value ?? a.description))}`);
  } else if (msg.method === "Runtime.exceptionThrown") {
    const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
    errors.push(`exception: ${d.exception?.description ?? d.text}`);
  } else if (msg.method === "Log.entryAdded") {
    const e = p.entry as { level: string; text: string; url?: string };
    if (e.level === "error") errors.push(`log: ${e.text} ${e.url ?? ""}`);
  }
}
