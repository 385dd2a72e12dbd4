// The live event stream: WebSocket /api/labs/{lab}/events/stream?after=N. Resumes from the last id
// it delivered after any disconnect, and never hands the app a repeat or a gap: frames at or below
// the last id are dropped, and a jump ahead is filled from GET /events?after=N first.

import type { LabEvent } from "../model/events";
import { decodeEvent } from "./decode";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface StreamOptions {
  url: (after: number) => string;
  /** Fills a gap over REST (GET .../events?after=N). */
  fetchAfter: (after: number) => Promise<LabEvent[]>;
  onEvents: (events: LabEvent[]) => void;
  onStatus: (s: StreamStatus) => void;
  /** For tests: a WebSocket constructor. */
  socket?: (url: string) => WebSocket;
  /** Reconnect back-off in ms, doubling up to maxDelay. */
  minDelay?: number;
  maxDelay?: number;
}

export class EventStream {
  private lastId: number;
  private ws: WebSocket | null = null;
  private delay: number;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private filling: Promise<void> | null = null;
  private pending: LabEvent[] = [];

  constructor(
    private readonly o: StreamOptions,
    after = 0,
  ) {
    this.lastId = after;
    this.delay = o.minDelay ?? 250;
  }

  get last(): number {
    return this.lastId;
  }

  start(): void {
    this.stopped = false;
    this.open("connecting");
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
    this.o.onStatus("closed");
  }

  private open(status: StreamStatus): void {
    if (this.stopped) return;
    this.o.onStatus(status);
    const ws = (this.o.socket ?? ((u) => new WebSocket(u)))(this.o.url(this.lastId));
    this.ws = ws;
    ws.onopen = () => {
      this.delay = this.o.minDelay ?? 250;
      this.o.onStatus("live");
    };
    ws.onmessage = (m) => {
      try {
        this.accept([decodeEvent(JSON.parse(String(m.data)))]);
      } catch {
        /* a frame we cannot parse is skipped; a gap fill will recover what follows */
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      this.o.onStatus("reconnecting");
      // While the socket is down (or a proxy refuses WebSockets), keep up over REST.
      if (!this.filling)
        this.o.fetchAfter(this.lastId).then(
          (evs) => this.accept(evs),
          () => {},
        );
      this.timer = setTimeout(() => this.open("reconnecting"), this.delay);
      this.delay = Math.min(this.delay * 2, this.o.maxDelay ?? 4000);
    };
    ws.onerror = () => ws.close();
  }

  /** Deliver events in id order, exactly once each. */
  accept(events: LabEvent[]): void {
    if (this.filling) {
      this.pending.push(...events);
      return;
    }
    const out: LabEvent[] = [];
    for (const e of events) {
      if (e.id <= this.lastId) continue;
      if (e.id > this.lastId + 1) {
        // A gap: fetch what is missing, then replay what arrived meanwhile.
        if (out.length) this.o.onEvents(out.splice(0));
        this.pending.push(e);
        this.fill();
        return this.pushPendingLater(events.slice(events.indexOf(e) + 1));
      }
      out.push(e);
      this.lastId = e.id;
    }
    if (out.length) this.o.onEvents(out);
  }

  private pushPendingLater(rest: LabEvent[]): void {
    this.pending.push(...rest);
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
      .catch(() => {
        this.filling = null;
        const held = this.pending.splice(0);
        if (held.length) this.lastId = held[0].id - 1;
        this.accept(held);
      });
  }
}
