import type { Dispatcher } from "undici";
import { ProxyError } from "./errors.ts";

/** Callbacks of a streamed engine call: raw Buffers straight from the socket parser. */
export interface StreamSink {
  start(status: number): void;
  data(chunk: Buffer): void;
  end(): void;
  /** 529 when the engine could not be reached, 502 when its answer broke off, 504 on a timeout. */
  error(err: ProxyError): void;
}

export interface StreamHandle {
  pause(): void;
  resume(): void;
  /** Stops the engine request (client gone, or the stream already failed); no sink calls follow. */
  abort(): void;
}

/** Adapts undici's dispatch callbacks to a StreamSink, and is the handle the caller pauses or aborts. */
export class EngineStreamHandler implements Dispatcher.DispatchHandler, StreamHandle {
  private controller: Dispatcher.DispatchController | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly sink: StreamSink,
    private readonly onUnreachable: () => void,
    private readonly connectionError: (err: unknown) => Error,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopped) controller.abort(new Error("aborted"));
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number): void {
    this.started = true;
    if (!this.stopped) this.sink.start(status);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.stopped) this.sink.data(chunk);
  }

  onResponseEnd(): void {
    if (!this.stopped) this.sink.end();
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    const error = this.started ? new ProxyError(502, `the engine's stream broke: ${err.message}`) : this.connectionError(err);
    if (error instanceof ProxyError && error.status === 529) this.onUnreachable();
    this.sink.error(error instanceof ProxyError ? error : new ProxyError(502, error.message));
  }

  readonly pause = (): void => this.controller?.pause();
  readonly resume = (): void => this.controller?.resume();

  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller?.abort(new Error("aborted"));
  }
}
