import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { parse, YAMLParseError } from "yaml";
import type { z } from "zod";
import { badInput } from "../errors.ts";
import { GridSchema, type Grid } from "./schema.ts";
import { validateGrid } from "./validate.ts";

export interface LoadedGrid {
  grid: Grid;
  file: string;
  sha256: string;
}

export function loadGrid(file: string): LoadedGrid {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw badInput(`${file}: cannot read the grid file`, "check the path");
  }
  return { grid: parseGrid(text, file), file, sha256: createHash("sha256").update(text).digest("hex") };
}

export function parseGrid(text: string, file = "<grid>"): Grid {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : "";
    throw badInput(`${file}:${where} invalid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const result = GridSchema.safeParse(raw);
  if (!result.success) throw badInput(`${file}: ${describeIssue(result.error.issues[0])}`);
  validateGrid(result.data, file);
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")} at ${path}`;
  }
  if (issue.code === "invalid_value") {
    return `field '${path}': ${issue.message.replace(/^Invalid option: expected one of /, "allowed: ")}`;
  }
  return `field '${path}': ${issue.message}`;
}
