import type { ServerResponse } from "node:http";
import type { ProxyContext } from "../context.ts";
import type { EngineModel } from "../engine-info.ts";
import { ProxyError } from "../errors.ts";
import { sendJson } from "../respond.ts";

/** GET /v1/models in Anthropic's shape; `context_window` is an extra the lab's `bench claude` reads. */
export async function handleModels(res: ServerResponse, ctx: ProxyContext): Promise<void> {
  const data = await anthropicModels(ctx);
  sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}

/** GET /v1/models/{id}: a served model, or a name the model map or the default routes somewhere. */
export async function handleModel(res: ServerResponse, ctx: ProxyContext, id: string): Promise<void> {
  const models = await anthropicModels(ctx);
  const found = models.find((m) => m.id === id);
  if (found) return sendJson(res, 200, found);
  if (ctx.rules.some((rule) => rule.test(id)) || models.length) return sendJson(res, 200, { ...models[0], id, display_name: id });
  throw new ProxyError(404, `model ${id} is not served`);
}

async function anthropicModels(ctx: ProxyContext) {
  const [models, context] = await Promise.all([ctx.engine.models(), ctx.engine.contextWindow().catch(() => undefined)]);
  return models.map((m) => anthropicModel(m, context));
}

function anthropicModel(model: EngineModel, context: number | undefined) {
  const created = new Date((model.created ?? 0) * 1000).toISOString();
  const entry: { type: "model"; id: string; display_name: string; created_at: string; context_window?: number } = {
    type: "model",
    id: model.id,
    display_name: model.id,
    created_at: created,
  };
  const window = model.maxModelLen ?? context;
  if (window) entry.context_window = window;
  return entry;
}
