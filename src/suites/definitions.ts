import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { badInput } from "../errors.ts";
import { packagePath } from "../util/paths.ts";
import type { Suite } from "./types.ts";

/** `suites/<kind>.yaml`: a suite's description and default options (the grid's options override them). */
const DefinitionSchema = z.strictObject({
  kind: z.string(),
  description: z.string(),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type SuiteDefinition = z.infer<typeof DefinitionSchema>;

export function definitionFile(kind: string): string {
  return packagePath("suites", `${kind}.yaml`);
}

/** The suite's definition file, validated (its options with the suite's own schema), or undefined if it has none. */
export function loadDefinition(suite: Suite<unknown>): SuiteDefinition | undefined {
  const file = definitionFile(suite.kind);
  if (!existsSync(file)) return undefined;
  const parsed = DefinitionSchema.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw badInput(`${file}: ${fieldIssue("", parsed.error.issues[0])}`);
  if (parsed.data.kind !== suite.kind) throw badInput(`${file}: field 'kind' is '${parsed.data.kind}', expected '${suite.kind}'`);
  const options = suite.options.safeParse(parsed.data.options);
  if (!options.success) throw badInput(`${file}: ${fieldIssue("options", options.error.issues[0])}`);
  return parsed.data;
}

/** Options a suite runs with: its definition's defaults, overridden key by key by the grid (or `bench run`). */
export function resolveOptions<O>(suite: Suite<O>, overrides: Record<string, unknown>, where: string): O {
  const defaults = loadDefinition(suite as Suite<unknown>)?.options ?? {};
  const merged = { ...defaults, ...overrides };
  const parsed = suite.options.safeParse(merged);
  if (!parsed.success) throw badInput(`${where}: ${fieldIssue("options", parsed.error.issues[0])}`);
  return parsed.data;
}

function fieldIssue(prefix: string, issue: z.core.$ZodIssue): string {
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return `field '${path || "(top level)"}': ${issue.message}`;
}
