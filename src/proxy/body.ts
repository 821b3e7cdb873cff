import type { IncomingMessage } from "node:http";
import { ProxyError } from "./errors.ts";

/** Reads a request body up to `limit` bytes; larger bodies are refused with 413 without buffering them. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError(413, `request body exceeds ${Math.round(limit / 1048576)} MB`);
}

/** Parses JSON, reporting where it broke as a 400. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new ProxyError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}
