import type { SystemMessageMode } from "./system-messages.ts";
import { probeSystemMessages } from "./system-probe.ts";
import type { EngineKind } from "./thinking.ts";
import type { Upstream } from "./upstream.ts";

export interface EngineModel {
  id: string;
  created?: number;
  /** vLLM's `max_model_len`, when the engine reports it here. */
  maxModelLen?: number;
  /** `vllm` (vLLM and the lab's simulator), `llamacpp` (llama-server), or another engine's name. */
  ownedBy?: string;
}

interface ModelsBody {
  data?: { id: string; created?: number; max_model_len?: number; owned_by?: string }[];
}

interface PropsBody {
  n_ctx?: number;
  default_generation_settings?: { n_ctx?: number };
}

/**
 * What the proxy learns from the engine once: served models, the engine family, the context window (vLLM
 * `/v1/models` `max_model_len`; llama-server `/props` `default_generation_settings.n_ctx`, the per-slot
 * context) and whether its chat template takes mid-conversation system messages.
 * Failed or empty lookups are not cached, and `invalidate()` (called when the engine was unreachable: it may
 * have restarted with other settings) makes the next request ask again.
 */
export class EngineInfo {
  private modelsCache?: Promise<EngineModel[]>;
  private contextCache?: Promise<number | undefined>;
  private systemCache?: Promise<SystemMessageMode | undefined>;

  constructor(
    private readonly upstream: Upstream,
    private readonly fixedContext?: number,
    /** Told once per probe how mid-conversation system messages will be sent. */
    private readonly onSystemMode?: (mode: SystemMessageMode) => void,
  ) {}

  async kind(): Promise<EngineKind> {
    const models = await this.models().catch(() => []);
    const owner = models[0]?.ownedBy;
    return owner === "vllm" || owner === "llamacpp" ? owner : "other";
  }

  /** In place unless the engine's template rejects them (probed once, with the first request that has one). */
  async systemMessages(model: string): Promise<SystemMessageMode> {
    this.systemCache ??= this.keepIfFound(probeSystemMessages(this.upstream, model), (mode) => mode !== undefined, () => (this.systemCache = undefined)).then(
      (mode) => {
        if (mode) this.onSystemMode?.(mode);
        return mode;
      },
    );
    return (await this.systemCache) ?? "inplace";
  }

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
    this.systemCache = undefined;
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
    return (body?.data ?? []).map((m) => ({ id: m.id, created: m.created, maxModelLen: m.max_model_len, ownedBy: m.owned_by }));
  }

  private async fetchContext(): Promise<number | undefined> {
    const models = await this.models();
    const fromModels = models.find((m) => m.maxModelLen)?.maxModelLen;
    if (fromModels) return fromModels;
    const props = await this.upstream.json<PropsBody>("GET", "/props");
    return props?.default_generation_settings?.n_ctx ?? props?.n_ctx ?? undefined;
  }
}
