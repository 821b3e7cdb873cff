import type { Upstream } from "./upstream.ts";

export interface EngineModel {
  id: string;
  created?: number;
  /** vLLM's `max_model_len`, when the engine reports it here. */
  maxModelLen?: number;
}

interface ModelsBody {
  data?: { id: string; created?: number; max_model_len?: number }[];
}

interface PropsBody {
  n_ctx?: number;
  default_generation_settings?: { n_ctx?: number };
}

/**
 * What the proxy learns from the engine once: served models and the context window (vLLM `/v1/models`
 * `max_model_len`; llama-server `/props` `default_generation_settings.n_ctx`, the per-slot context).
 * Failed or empty lookups are not cached, and `invalidate()` (called when the engine was unreachable: it may
 * have restarted with other settings) makes the next request ask again.
 */
export class EngineInfo {
  private modelsCache?: Promise<EngineModel[]>;
  private contextCache?: Promise<number | undefined>;

  constructor(
    private readonly upstream: Upstream,
    private readonly fixedContext?: number,
  ) {}

  models(): Promise<EngineModel[]> {
    this.modelsCache ??= this.keepIfFound(this.fetchModels(), (models) => models.length > 0, () => (this.modelsCache = undefined));
    return this.modelsCache;
  }

  contextWindow(): Promise<number | undefined> {
    if (this.fixedContext) return Promise.resolve(this.fixedContext);
    this.contextCache ??= this.keepIfFound(this.fetchContext(), (n) => n !== undefined, () => (this.contextCache = undefined));
    return this.contextCache;
  }

  invalidate(): void {
    this.modelsCache = undefined;
    this.contextCache = undefined;
  }

  /** A lookup that failed or found nothing (llama-server answers 503 while loading) is asked again next time. */
  private keepIfFound<T>(lookup: Promise<T>, found: (value: T) => boolean, forget: () => void): Promise<T> {
    return lookup.then(
      (value) => {
        if (!found(value)) forget();
        return value;
      },
      (err) => {
        forget();
        throw err;
      },
    );
  }

  private async fetchModels(): Promise<EngineModel[]> {
    const body = await this.upstream.json<ModelsBody>("GET", "/v1/models");
    return (body?.data ?? []).map((m) => ({ id: m.id, created: m.created, maxModelLen: m.max_model_len }));
  }

  private async fetchContext(): Promise<number | undefined> {
    const models = await this.models();
    const fromModels = models.find((m) => m.maxModelLen)?.maxModelLen;
    if (fromModels) return fromModels;
    const props = await this.upstream.json<PropsBody>("GET", "/props");
    return props?.default_generation_settings?.n_ctx ?? props?.n_ctx ?? undefined;
  }
}
