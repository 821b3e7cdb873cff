import type { ServerResponse } from "node:http";
import type { ProxyContext } from "../context.ts";
import type { ProxyError } from "../errors.ts";
import { sendError } from "../respond.ts";
import { SseParser } from "../../client/sse.ts";
import { SseResponse } from "../sse-response.ts";
import { StreamTranslator, type StreamContext } from "../stream-translator.ts";
import type { StreamHandle, StreamSink } from "../engine-stream.ts";
import { mapEngineError } from "../upstream-errors.ts";

const MAX_ERROR_BODY = 64 * 1024;

/** POST /v1/messages with stream: true. Resolves when the client's response is over. */
export function streamMessage(res: ServerResponse, ctx: ProxyContext, body: string, sctx: StreamContext, extra?: Record<string, string>): Promise<void> {
  return new Promise((resolve) => new StreamRelay(res, ctx, body, sctx, resolve, extra));
}

/**
 * One stream's relay. The 200 and message_start go out when the engine accepts the request, or after
 * `streamCommitMs` if it is slow to answer (llama-server sends headers only after prefill), so the client
 * sees life at once. Before that, engine failures are HTTP errors; after it, they are `event: error`.
 * Engine bytes flow parser -> translator -> one client write per network chunk, with backpressure.
 * A class, not closures: nothing is allocated per chunk but the frames themselves.
 */
class StreamRelay implements StreamSink {
  private readonly translator: StreamTranslator;
  private readonly sse: SseResponse;
  private readonly parser: SseParser;
  private readonly engine: StreamHandle;
  private readonly timer: NodeJS.Timeout;
  private status = 0;
  private errorText = "";
  private finished = false;
  private failure?: ProxyError;

  constructor(
    private readonly res: ServerResponse,
    ctx: ProxyContext,
    body: string,
    private readonly sctx: StreamContext,
    private readonly resolve: () => void,
    extra?: Record<string, string>,
  ) {
    this.translator = new StreamTranslator(sctx);
    this.sse = new SseResponse(res, ctx.options.pingIntervalMs);
    this.parser = new SseParser(this.translator.data.bind(this.translator));
    this.timer = setTimeout(this.commit.bind(this), ctx.options.streamCommitMs);
    this.engine = ctx.upstream.stream("/v1/chat/completions", body, this, extra);
    res.on("close", this.onClientClose.bind(this));
  }

  start(status: number): void {
    this.status = status;
    if (status === 200) this.commit();
  }

  data(chunk: Buffer): void {
    if (this.status !== 200) {
      if (this.errorText.length < MAX_ERROR_BODY) this.errorText += chunk.toString("utf8");
      return;
    }
    this.parser.push(chunk);
    if (this.sctx.watch && this.translator.started) this.sctx.watch.firstContent();
    const out = this.translator.take();
    if (out && !this.sse.write(out)) {
      this.engine.pause();
      this.sse.onDrain(this.engine.resume);
    }
    if (this.translator.done) {
      this.engine.abort();
      this.sse.end("");
      this.done();
    }
  }

  end(): void {
    if (this.status !== 200) return this.error(mapEngineError(this.status, this.errorText));
    this.parser.end();
    this.translator.finish();
    if (this.sctx.watch && this.translator.started) this.sctx.watch.firstContent();
    this.sse.end(this.translator.take());
    this.done();
  }

  error(err: ProxyError): void {
    if (this.finished) return;
    this.failure = err;
    if (!this.sse.committed) sendError(this.res, err);
    else {
      this.translator.fail(err.type, err.message);
      this.sse.end(this.translator.take());
    }
    this.done();
  }

  private commit(): void {
    if (this.sse.committed || this.finished) return;
    this.translator.start();
    this.sse.commit(this.translator.take());
  }

  private onClientClose(): void {
    if (this.res.writableFinished) return;
    this.engine.abort();
    this.done();
  }

  private done(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.sse.stop();
    this.sctx.watch?.end(this.outcome());
    this.resolve();
  }

  private outcome(): Parameters<NonNullable<StreamContext["watch"]>["end"]>[0] {
    const result = this.translator.result;
    if (result) return { status: 200, usage: result.usage, stopReason: result.stopReason };
    const error = this.failure?.message ?? this.translator.failedWith ?? "the client went away";
    return { status: this.sse.committed ? 200 : this.failure?.status ?? 499, error };
  }
}
