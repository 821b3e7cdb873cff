import type { JsonSchema, Tool } from "./types.ts";

/** Small builders so tool definitions read like the JSON schemas they produce. */
export const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: "string", description, ...extra });
export const num = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: "number", description, ...extra });
export const bool = (description: string): JsonSchema => ({ type: "boolean", description });
export const arr = (items: JsonSchema, description: string): JsonSchema => ({ type: "array", items, description });

export function obj(properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema {
  return { type: "object", ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

export function tool(name: string, description: string, properties: Record<string, JsonSchema>, required: string[] = []): Tool {
  return {
    name,
    description,
    input_schema: { ...obj(properties, required), $schema: "http://json-schema.org/draft-07/schema#" },
  };
}
