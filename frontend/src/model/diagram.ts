// Events -> the diagram model: what happened, with times, and nothing about pixels.
// Built incrementally (add one event at a time) and indexed as it grows, so a live stream of
// 15,000 segments costs O(1) per event and no later question (which arrow is event 9123, which
// narration step is in force, where does the next segment step stop) walks all events.

import type { Host, LabEvent, Segment, SegmentSent } from "./events";
import { SequenceSpace, directionKey, reverseKey, type SegmentNumbers } from "./numbering";

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
  /** Index of the end event in the event list. */
  endIndex?: number;
  fate: Fate;
  reason?: string;
  retransmission: boolean;
  /** A zero-window probe: a byte sent into a closed window to learn when it opens. */
  probe: boolean;
  duplicate: boolean;
  crafted: boolean;
  faults: string[];
  segment: Segment;
  /** Its numbers relative to the connection incarnation it belongs to. */
  numbers: SegmentNumbers;
}

export interface StateInterval {
  host: Host;
  connection?: string;
  state: string;
  from: string;
  cause: string;
  inferred: boolean;
  start: number;
  end?: number;
  endEventId?: number;
  eventId: number;
  index: number;
}

export interface TimerBracket {
  host: Host;
  connection?: string;
  timer: string;
  armedAt: number;
  deadline?: number;
  end?: number;
  /** Index of the event that fired or cancelled it. */
  endIndex?: number;
  outcome: "pending" | "fired" | "cancelled";
  eventId: number;
  index: number;
}

export type MarkKind = "data" | "error" | "ack-suppressed";

export interface Mark {
  host: Host;
  time: number;
  eventId: number;
  index: number;
  kind: MarkKind;
  /** data: "11 B"; error: the error name; ack-suppressed: the reason. */
  text: string;
  detail?: string;
  bytes?: number;
  total?: number;
}

export interface NarrationStep {
  time: number;
  eventId: number;
  index: number;
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
    endTime: 0,
    latency: 0,
  };
  private readonly seqSpace = new SequenceSpace();
  private readonly bySegment = new Map<string, Arrow[]>();
  private readonly openState = new Map<string, StateInterval>();
  private readonly openTimer = new Map<string, TimerBracket>();
  private readonly indexById = new Map<number, number>();
  private readonly arrowByEventId = new Map<number, number>();
  private readonly inFlightArrows = new Set<Arrow>();
  /** Segment steps end before these event counts (see `segmentStops`). */
  private readonly stops: number[] = [];
  /** Narration events directly before the next event (they belong to the next step). */
  private narrationRun = 0;
  private lastSegmentEvent: { segmentId: string; time: number } | null = null;

  add(e: LabEvent): void {
    const m = this.model;
    const index = m.events.length;
    m.events.push(e);
    this.indexById.set(e.id, index);
    m.endTime = Math.max(m.endTime, e.time);
    if (e.kind === "segmentSent" || e.kind === "segmentDelivered" || e.kind === "segmentDropped") {
      // A segment step ends before the next segment event, with the narration that leads into it;
      // a loss at the moment of sending or arrival belongs to the same step.
      const prev = this.lastSegmentEvent;
      const same = prev && prev.segmentId === e.segmentId && prev.time === e.time;
      const stop = index - this.narrationRun;
      if (prev && !same && stop > 0 && stop !== this.stops.at(-1)) this.stops.push(stop);
      this.lastSegmentEvent = { segmentId: e.segmentId, time: e.time };
    }
    this.narrationRun = e.kind === "narration" ? this.narrationRun + 1 : 0;
    switch (e.kind) {
      case "segmentSent":
        this.sent(e, index);
        break;
      case "segmentDelivered": {
        const a = this.inFlight(e.segmentId);
        if (a) {
          a.fate = "delivered";
          this.end(a, e.time, e.id, index);
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
        if (!atReceiver || a.endTime === undefined) this.end(a, e.time, e.id, index);
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
          inferred: e.inferred,
          start: e.time,
          eventId: e.id,
          index,
        };
        m.states.push(iv);
        this.openState.set(key, iv);
        break;
      }
      case "timer":
        this.timer(e, index);
        break;
      case "data":
        m.marks.push({
          host: e.host,
          time: e.time,
          eventId: e.id,
          index,
          kind: "data",
          text: `${e.bytes} B`,
          bytes: e.bytes,
          total: e.total,
        });
        break;
      case "error":
        if (e.host)
          m.marks.push({
            host: e.host,
            time: e.time,
            eventId: e.id,
            index,
            kind: "error",
            text: e.error,
            detail: e.detail,
          });
        break;
      case "ackSuppressed":
        m.marks.push({
          host: e.host,
          time: e.time,
          eventId: e.id,
          index,
          kind: "ack-suppressed",
          text: e.reason,
          detail: e.detail,
        });
        break;
      case "narration":
        m.narration.push({
          time: e.time,
          eventId: e.id,
          index,
          step: m.narration.length + 1,
          name: e.step,
          en: e.en,
          zh: e.zh,
        });
        break;
      case "congestion":
      case "note":
      case "quizQuestion":
      case "quizRevealed":
      case "other":
        break;
    }
  }

  /**
   * The ISN `from` numbers its side of `connection` from (its latest incarnation), if a segment of
   * that connection was seen: what a relative number typed for it counts from.
   */
  isnOf(connection: string, from: Host): number | undefined {
    const arrows = this.model.arrows;
    for (let i = arrows.length - 1; i >= 0; i--) {
      const a = arrows[i];
      if (a.connection !== connection) continue;
      return this.seqSpace.isnOf(a.from === from ? directionKey(a.segment) : reverseKey(a.segment));
    }
    return undefined;
  }

  /** The first arrow sent after event `eventId` (a revealed question's segment). */
  arrowAfter(eventId: number): Arrow | undefined {
    return this.model.arrows.find((a) => a.eventId > eventId);
  }

  /** Index of the event with this id, if it was added. */
  indexOf(eventId: number): number | undefined {
    return this.indexById.get(eventId);
  }

  /** The arrow a `segment.sent` event drew. */
  arrowOf(eventId: number): number | undefined {
    return this.arrowByEventId.get(eventId);
  }

  /** Whether a segment is still on the link or a timer still pending (after all events so far). */
  anythingDue(): boolean {
    return this.inFlightArrows.size > 0 || this.openTimer.size > 0;
  }

  /**
   * Where segment steps stop, as event counts: each step shows one segment's send, delivery or
   * loss together with the state changes and timers it causes, up to the narration of the next.
   * The last step ends at the last event.
   */
  segmentStops(): readonly number[] {
    const n = this.model.events.length;
    return this.stops.at(-1) === n || n === 0 ? this.stops : [...this.stops, n];
  }

  /** The narration steps shown when the first `limit` events are. */
  narrationUpTo(limit: number): NarrationStep[] {
    const list = this.model.narration;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].index < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo === list.length ? list : list.slice(0, lo);
  }

  private end(a: Arrow, time: number, id: number, index: number): void {
    a.endTime = time;
    a.endEventId = id;
    a.endIndex = index;
    this.inFlightArrows.delete(a);
  }

  private timer(e: Extract<LabEvent, { kind: "timer" }>, index: number): void {
    const key = `${e.host}/${e.connection ?? ""}/${e.timer}`;
    const prev = this.openTimer.get(key);
    if (e.action === "armed") {
      // Re-arming restarts the timer (RFC 6298 5.3): the old bracket ends here, cancelled.
      if (prev) {
        prev.end = e.time;
        prev.endIndex = index;
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
        index,
      };
      this.model.timers.push(b);
      this.openTimer.set(key, b);
    } else if (prev) {
      prev.end = e.time;
      prev.endIndex = index;
      prev.outcome = e.action;
      this.openTimer.delete(key);
    }
  }

  private sent(e: SegmentSent, index: number): void {
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
      probe: e.probe,
      duplicate: e.note === "duplicate",
      crafted: e.note === "crafted",
      faults: [],
      segment: e.segment,
      numbers: this.seqSpace.observe(e.segment),
    };
    this.arrowByEventId.set(e.id, this.model.arrows.length);
    this.model.arrows.push(a);
    this.inFlightArrows.add(a);
    // A duplicate may share the original's segment id: keep every arrow per id and match a
    // delivery to the oldest one still in flight.
    const list = this.bySegment.get(e.segmentId);
    if (list) list.push(a);
    else this.bySegment.set(e.segmentId, [a]);
  }

  private inFlight(segmentId: string): Arrow | undefined {
    return this.bySegment.get(segmentId)?.find((x) => x.fate === "in-flight");
  }
}

export function buildDiagram(events: readonly LabEvent[]): DiagramModel {
  const b = new DiagramBuilder();
  for (const e of events) b.add(e);
  return b.model;
}

/** The narration step in force at an event (the latest one at or before it). */
export function narrationAt(m: DiagramModel, eventId: number): NarrationStep | undefined {
  let lo = 0;
  let hi = m.narration.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.narration[mid].eventId <= eventId) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? m.narration[lo - 1] : undefined;
}
