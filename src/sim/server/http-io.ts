import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { MATCHED_VLLM_VERSION } from "../argv/real-flags.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Non-streaming bodies and the final usage chunk name the engine (vLLM: `vllm-<version>-<hash>`). */
export const SYSTEM_FINGERPRINT = `vllm-${MATCHED_VLLM_VERSION}-sim`;

const TYPES: Record<number, string> = { 400: "BadRequestError", 401: "UnauthorizedError", 404: "NotFoundError", 500: "InternalServerError", 501: "NotImplementedError" };

/** vLLM's OpenAI-style error body (0.32: nested under `error`). */
export function vllmError(status: number, message: string, param: string | null = null): HttpError {
  return new HttpError(status, errorBody(status, message, TYPES[status] ?? "BadRequestError", param));
}

export function errorBody(status: number, message: string, type: string, param: string | null = null): { error: Record<string, unknown> } {
  return { error: { message, type, param, code: status } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses and validates a JSON body; failures read like FastAPI/pydantic's, as vLLM returns them (400). */
export function parseBody<S extends z.ZodType>(schema: S, text: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw vllmError(400, `[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': '${(err as Error).message.replace(/'/g, "")}'}}]`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const loc = ["'body'", ...i.path.map((p) => (typeof p === "number" ? String(p) : `'${String(p)}'`))].join(", ");
    const missing = i.code === "invalid_type" && /received undefined/.test(i.message);
    return `{'type': '${missing ? "missing" : i.code}', 'loc': (${loc}), 'msg': '${missing ? "Field required" : i.message.replace(/'/g, "")}'}`;
  });
  throw vllmError(400, `[${issues.join(", ")}]`);
}
