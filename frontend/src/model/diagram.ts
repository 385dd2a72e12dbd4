// Events -> the diagram model: what happened, with times, and nothing about pixels.
// Built incrementally (add one event at a time) so a live stream of 10,000 segments costs O(1)
// per event; `buildDiagram` folds a whole list for tests and replays.

import type { Host, LabEvent, Segment, SegmentSent } from "./events";
import { IsnTable } from "./numbering";

export type Fate =
  | "in-flight"
  | "delivered"
  /** Lost on the link (fault rule, loss): the arrow ends in a cross half way. */
  | "lost"
  /** Reached the receiver and was discarded there (bad checksum, no listener, ...). */
  | "rejected";

export interface Arrow {
  segmentId: string;
  eventId: number;
  /** Index of the send event in the event list (for table and playback sync). */
  index: number;
  connection?: string;
  from: Host;
  to: Host;
  sendTime: number;
  /** Arrival (delivered or rejected at the receiver) or the loss time. */
  endTime?: number;
  endEventId?: number;
  fate: Fate;
  reason?: string;
  retransmission: boolean;
  duplicate: boolean;
  crafted: boolean;
  faults: string[];
  segment: Segment;
}

export interface StateInterval {
  host: Host;
  connection?: string;
  state: string;
  from: string;
  cause: string;
  start: number;
  end?: number;
  endEventId?: number;
  eventId: number;
  /** Inferred from a capture rather than reported by a stack. */
  inferred?: boolean;
}

export interface TimerBracket {
  host: Host;
  connection?: string;
  timer: string;
  armedAt: number;
  deadline?: number;
  end?: number;
  outcome: "pending" | "fired" | "cancelled";
  eventId: number;
}

export interface Mark {
  host: Host;
  time: number;
  eventId: number;
  kind: "data" | "error";
  text: string;
  bytes?: number;
  total?: number;
}

export interface NarrationStep {
  time: number;
  eventId: number;
  /** 1, 2, 3... in order of narration. */
  step: number;
  /** The scenario step's name. */
  name: string;
  en: string;
  zh: string;
}

export interface DiagramModel {
  events: LabEvent[];
  arrows: Arrow[];
  states: StateInterval[];
  timers: TimerBracket[];
  marks: Mark[];
  narration: NarrationStep[];
  isns: IsnTable;
  /** Latest event time. */
  endTime: number;
  /** Observed one-way latency (ms) of the last delivered segment: where lost arrows end. */
  latency: number;
}

export class DiagramBuilder {
  readonly model: DiagramModel = {
    events: [],
    arrows: [],
    states: [],
    timers: [],
    marks: [],
    narration: [],
    isns: new IsnTable(),
    endTime: 0,
    latency: 0,
  };
  private readonly bySegment = new Map<string, Arrow[]>();
  private readonly openState = new Map<string, StateInterval>();
  private readonly openTimer = new Map<string, TimerBracket>();

  add(e: LabEvent): void {
    const m = this.model;
    const index = m.events.length;
    m.events.push(e);
    m.endTime = Math.max(m.endTime, e.time);
    switch (e.kind) {
      case "segmentSent":
        this.sent(e, index);
        break;
      case "segmentDelivered": {
        const a = this.inFlight(e.segmentId);
        if (a) {
          a.fate = "delivered";
          a.endTime = e.time;
          a.endEventId = e.id;
          m.latency = e.time - a.sendTime;
        }
        break;
      }
      case "segmentDropped": {
        const a = this.inFlight(e.segmentId) ?? this.bySegment.get(e.segmentId)?.at(-1);
        if (!a) break;
        a.reason = e.reason;
        // Dropped at the receiving host (or for a bad checksum, which only the receiver can
        // check): the arrow reaches the receiver. Otherwise the link lost it.
        const atReceiver = e.at === a.to || e.reason.startsWith("checksum");
        a.fate = atReceiver ? "rejected" : "lost";
        if (!atReceiver || a.endTime === undefined) {
          a.endTime = e.time;
          a.endEventId = e.id;
        }
        break;
      }
      case "fault": {
        const a = this.bySegment.get(e.segmentId)?.at(-1);
        if (a) a.faults.push(e.action);
        break;
      }
      case "state": {
        const key = `${e.host}/${e.connection ?? ""}`;
        const prev = this.openState.get(key);
        if (prev) {
          prev.end = e.time;
          prev.endEventId = e.id;
        }
        const iv: StateInterval = {
          host: e.host,
          connection: e.connection,
          state: e.to,
          from: e.from,
          cause: e.cause,
          start: e.time,
          eventId: e.id,
          ...(e.inferred ? { inferred: true } : {}),
        };
        m.states.push(iv);
        this.openState.set(key, iv);
        break;
      }
      case "timer": {
        const key = `${e.host}/${e.connection ?? ""}/${e.timer}`;
        const prev = this.openTimer.get(key);
        if (e.action === "armed") {
          // Re-arming restarts the timer (RFC 6298 5.3): the old bracket ends here, cancelled.
          if (prev) {
            prev.end = e.time;
            prev.outcome = "cancelled";
          }
          const b: TimerBracket = {
            host: e.host,
            connection: e.connection,
            timer: e.timer,
            armedAt: e.time,
            deadline: e.at,
            outcome: "pending",
            eventId: e.id,
          };
          m.timers.push(b);
          this.openTimer.set(key, b);
        } else if (prev) {
          prev.end = e.time;
          prev.outcome = e.action;
          this.openTimer.delete(key);
        }
        break;
      }
      case "data":
        m.marks.push({
          host: e.host,
          time: e.time,
          eventId: e.id,
          kind: "data",
          text: `${e.bytes} B`,
          bytes: e.bytes,
          total: e.total,
        });
        break;
      case "error":
        if (e.host)
          m.marks.push({ host: e.host, time: e.time, eventId: e.id, kind: "error", text: e.error });
        break;
      case "narration":
        m.narration.push({
          time: e.time,
          eventId: e.id,
          step: m.narration.length + 1,
          name: e.step,
          en: e.en,
          zh: e.zh,
        });
        break;
      case "other":
        break;
    }
  }

  private sent(e: SegmentSent, index: number): void {
    this.model.isns.observe(e.segment);
    const a: Arrow = {
      segmentId: e.segmentId,
      eventId: e.id,
      index,
      connection: e.connection,
      from: e.from,
      to: e.to,
      sendTime: e.time,
      fate: "in-flight",
      retransmission: e.retransmission,
      duplicate: e.note === "duplicate",
      crafted: e.note === "crafted",
      faults: [],
      segment: e.segment,
    };
    this.model.arrows.push(a);
    // A duplicate may share the original's segment id: keep every arrow per id and match a
    // delivery to the oldest one still in flight.
    const list = this.bySegment.get(e.segmentId);
    if (list) list.push(a);
    else this.bySegment.set(e.segmentId, [a]);
  }

  private inFlight(segmentId: string): Arrow | undefined {
    return this.bySegment.get(segmentId)?.find((a) => a.fate === "in-flight");
  }
}

export function buildDiagram(events: readonly LabEvent[]): DiagramModel {
  const b = new DiagramBuilder();
  for (const e of events) b.add(e);
  return b.model;
}

/** The narration step in force at an event (the latest one at or before it). */
export function narrationAt(m: DiagramModel, eventId: number): NarrationStep | undefined {
  let found: NarrationStep | undefined;
  for (const n of m.narration) {
    if (n.eventId <= eventId) found = n;
    else break;
  }
  return found;
}
