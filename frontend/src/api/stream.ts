// The live event stream: WebSocket /api/labs/{lab}/events/stream?after=N. Resumes from the last id
// it delivered after any disconnect, and never hands the app a repeat or a gap: frames at or below
// the last id are dropped, and a jump ahead is filled from GET /events?after=N first.
//
// Reconnects back off exponentially with full jitter (a class of 30 whose server restarts must not
// knock in step), capped. A lab that no longer exists (close 4404, or 404 over REST) stops the
// stream for good: the page says so instead of knocking forever.

import type { LabEvent } from "../model/events";
import { decodeEvent } from "./decode";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed" | "gone";

/** WebSocket close code for an unknown lab (README: WebSocket close codes). */
export const CLOSE_UNKNOWN_LAB = 4404;

export interface StreamOptions {
  url: (after: number) => string;
  /** Fills a gap over REST (GET .../events?after=N), page by page. */
  fetchAfter: (after: number) => Promise<LabEvent[]>;
  onEvents: (events: LabEvent[]) => void;
  onStatus: (s: StreamStatus) => void;
  /** The lab is gone; `reason` is the server's close reason or problem detail. */
  onGone?: (reason: string) => void;
  /** Whether a REST failure means the lab is gone (a 404). */
  isGone?: (error: unknown) => boolean;
  /** For tests: a WebSocket constructor. */
  socket?: (url: string) => WebSocket;
  /** For tests: a source of randomness in [0, 1). */
  random?: () => number;
  /** First reconnect delay bound in ms, doubling per failed attempt up to maxDelay. */
  minDelay?: number;
  maxDelay?: number;
}

/** The delay before reconnect attempt `attempt` (0-based): full jitter under a capped doubling. */
export function backoffDelay(attempt: number, min: number, max: number, random: number): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return Math.round(min / 2 + random * (ceiling - min / 2));
}

export class EventStream {
  private lastId: number;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private filling: Promise<void> | null = null;
  private pending: LabEvent[] = [];

  constructor(
    private readonly o: StreamOptions,
    after = 0,
  ) {
    this.lastId = after;
  }

  get last(): number {
    return this.lastId;
  }

  start(): void {
    this.stopped = false;
    this.open("connecting");
  }

  stop(status: StreamStatus = "closed"): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.o.onStatus(status);
  }

  /** The lab no longer exists: stop for good and say why. */
  gone(reason: string): void {
    if (this.stopped) return;
    this.stop("gone");
    this.o.onGone?.(reason);
  }

  private open(status: StreamStatus): void {
    if (this.stopped) return;
    this.o.onStatus(status);
    const ws = (this.o.socket ?? ((u) => new WebSocket(u)))(this.o.url(this.lastId));
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.o.onStatus("live");
    };
    ws.onmessage = (m) => {
      try {
        this.accept([decodeEvent(JSON.parse(String(m.data)))]);
      } catch {
        /* a frame we cannot parse is skipped; a gap fill will recover what follows */
      }
    };
    ws.onclose = (e?: CloseEvent) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      if (e?.code === CLOSE_UNKNOWN_LAB) {
        this.gone(e.reason || "unknown lab");
        return;
      }
      this.o.onStatus("reconnecting");
      // While the socket is down (or a proxy refuses WebSockets), keep up over REST.
      if (!this.filling)
        this.o.fetchAfter(this.lastId).then(
          (evs) => this.accept(evs),
          (err) => this.restFailed(err),
        );
      const delay = backoffDelay(
        this.attempt++,
        this.o.minDelay ?? 500,
        this.o.maxDelay ?? 30_000,
        (this.o.random ?? Math.random)(),
      );
      this.timer = setTimeout(() => this.open("reconnecting"), delay);
    };
    ws.onerror = () => ws.close();
  }

  private restFailed(err: unknown): void {
    if (this.o.isGone?.(err)) this.gone((err as Error).message);
  }

  /** Deliver events in id order, exactly once each. */
  accept(events: LabEvent[]): void {
    if (this.filling) {
      this.pending.push(...events);
      return;
    }
    const out: LabEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.id <= this.lastId) continue;
      if (e.id > this.lastId + 1) {
        // A gap: fetch what is missing, then replay what arrived meanwhile.
        if (out.length) this.o.onEvents(out.splice(0));
        this.pending.push(...events.slice(i));
        this.fill();
        return;
      }
      out.push(e);
      this.lastId = e.id;
    }
    if (out.length) this.o.onEvents(out);
  }

  private fill(): void {
    const from = this.lastId;
    this.filling = this.o
      .fetchAfter(from)
      .then((missing) => {
        this.filling = null;
        const held = this.pending.splice(0);
        // Only the missing range from REST; then whatever the socket brought meanwhile.
        const upTo = held.length ? held[0].id : Infinity;
        this.accept(missing.filter((e) => e.id < upTo));
        if (held.length && held[0].id > this.lastId + 1) {
          // Still a hole (REST had not caught up): deliver in order anyway rather than stall.
          this.lastId = held[0].id - 1;
        }
        this.accept(held);
      })
      .catch((err) => {
        this.filling = null;
        this.restFailed(err);
        const held = this.pending.splice(0);
        if (held.length) this.lastId = held[0].id - 1;
        this.accept(held);
      });
  }
}
