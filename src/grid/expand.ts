import { createHash } from "node:crypto";
import type { Grid, ParamValue } from "./schema.ts";
import { isClientParam } from "./params.ts";

export type Params = Record<string, ParamValue>;

export interface Point {
  /** Stable id derived from the point's parameters only (not from its position in the grid). */
  id: string;
  /** Id of the engine configuration: points with the same server_id share an engine start. */
  serverId: string;
  params: Params;
  server: Params;
  client: Params;
}

export function expandGrid(grid: Grid): Point[] {
  const names = Object.keys(grid.matrix);
  let combos: Params[] = [{}];
  for (const name of names) {
    combos = combos.flatMap((combo) => grid.matrix[name].map((value) => ({ ...combo, [name]: value })));
  }
  return combos.filter((params) => !grid.exclude.some((rule) => matches(params, rule))).map(toPoint);
}

function matches(params: Params, rule: Params): boolean {
  return Object.entries(rule).every(([key, value]) => params[key] === value);
}

function toPoint(params: Params): Point {
  const server: Params = {};
  const client: Params = {};
  for (const [name, value] of Object.entries(params)) (isClientParam(name) ? client : server)[name] = value;
  return { id: shortHash(params), serverId: shortHash(server), params, server, client };
}

/** Hash of the canonical (key-sorted) JSON, so reordering the matrix never changes an id. */
export function shortHash(params: Params): string {
  const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 10);
}

/** Points grouped by engine configuration, in first-seen order. */
export function groupByServer(points: Point[]): Point[][] {
  const groups = new Map<string, Point[]>();
  for (const point of points) groups.set(point.serverId, [...(groups.get(point.serverId) ?? []), point]);
  return [...groups.values()];
}
