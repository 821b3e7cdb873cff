import { randomInt, type Rng } from "../rng.ts";
import { word } from "./words.ts";

/** Arguments shaped like a tool's JSON schema: required properties always, optional ones by chance. */
export function argumentsForSchema(schema: unknown, rng: Rng, depth = 0): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(rng() * s.enum.length)];
  if (s.default !== undefined && rng() < 0.5) return s.default;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return argumentsForSchema(options[0], rng, depth);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? "string") : (s.type ?? (s.properties ? "object" : "string"));
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      for (const [name, propSchema] of Object.entries(props)) {
        if (required.has(name) || (depth < 2 && rng() < 0.3)) out[name] = argumentsForSchema(propSchema, rng, depth + 1);
      }
      return out;
    }
    case "array":
      return depth > 2 ? [] : Array.from({ length: randomInt(rng, 1, 2) }, () => argumentsForSchema(s.items, rng, depth + 1));
    case "integer":
      return randomInt(rng, typeof s.minimum === "number" ? s.minimum : 0, typeof s.maximum === "number" ? s.maximum : 100);
    case "number":
      return Math.round(rng() * 1000) / 10;
    case "boolean":
      return rng() < 0.5;
    case "null":
      return null;
    default:
      return Array.from({ length: randomInt(rng, 1, 4) }, () => word(rng)).join(" ");
  }
}
