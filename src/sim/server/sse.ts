import type { ServerResponse } from "node:http";
import { SIM_ARRIVAL_HEADER, SIM_STAMP_FIELD, secondsToNs } from "../../util/sim-clock-protocol.ts";

/**
 * Server-sent events as vLLM writes them: `data: {json}\n\n`, Anthropic-style `event:` lines when named. Every
 * event also carries the simulated time it was produced at (`tunelab_sim_ns`, set by `at()`), and the headers
 * the request's simulated arrival time, so the lab's client can time the stream on the simulator's clock.
 */
export class SseWriter {
  private opened = false;
  private stamp: string;

  constructor(
    private readonly res: ServerResponse,
    private readonly arrivalS: number,
  ) {
    this.stamp = `,"${SIM_STAMP_FIELD}":${secondsToNs(arrivalS)}}`;
  }

  /** Sends the 200 and headers (idempotent; the first event also does it). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive",
      [SIM_ARRIVAL_HEADER]: String(secondsToNs(this.arrivalS)),
    });
  }

  /** Simulated time (seconds) of the events written from now on. */
  at(simSeconds: number): void {
    this.stamp = `,"${SIM_STAMP_FIELD}":${secondsToNs(simSeconds)}}`;
  }

  data(payload: unknown): void {
    this.open();
    this.res.write(`data: ${this.stamped(payload)}\n\n`);
  }

  event(name: string, payload: unknown): void {
    this.open();
    this.res.write(`event: ${name}\ndata: ${this.stamped(payload)}\n\n`);
  }

  done(): void {
    this.open();
    this.res.end("data: [DONE]\n\n");
  }

  end(): void {
    this.open();
    this.res.end();
  }

  private stamped(payload: unknown): string {
    const json = JSON.stringify(payload);
    return json.endsWith("}") && json.length > 2 ? json.slice(0, -1) + this.stamp : json;
  }
}
