import type { ServerResponse } from "node:http";
import { errorEnvelope, type ProxyError } from "./errors.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ProxyError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = errorEnvelope(err.type, err.message);
  res.writeHead(err.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
