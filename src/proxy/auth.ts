import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Checks `x-api-key` or `Authorization: Bearer` against the configured key in constant time; no key = open. */
export function makeAuthCheck(key: string | undefined): (req: IncomingMessage) => boolean {
  if (!key) return () => true;
  const expected = digest(key);
  return (req) => {
    const presented = presentedKey(req);
    // Hashing first gives equal lengths, so the comparison time does not depend on the key.
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

function presentedKey(req: IncomingMessage): string | undefined {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey) return apiKey;
  const auth = req.headers.authorization;
  if (auth && auth.slice(0, 7).toLowerCase() === "bearer ") return auth.slice(7).trim();
  return undefined;
}
