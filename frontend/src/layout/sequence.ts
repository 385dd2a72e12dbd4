// Diagram model -> positioned primitives. Pure: no DOM; text width comes from `measure`, so this is
// unit-tested in Node (the bramp/js-sequence-diagrams split). Time flows down: each event gets a
// y, at least a row apart for segment events, proportional to virtual time otherwise, with idle
// stretches optionally compressed to a fixed gap and marked.

import type { DiagramModel, Arrow } from "../model/diagram";
import type { Host } from "../model/events";
import { segmentLabel } from "../model/format";
import { linuxStateName } from "../model/states";

export interface LayoutOptions {
  /** Width in px of a label in the diagram font. */
  measure: (text: string) => number;
  relative: boolean;
  compressIdle: boolean;
  /** Vertical px per virtual millisecond. */
  pxPerMs: number;
  /** Minimum px between two segment events. */
  rowGap: number;
  /** Longest gap an idle stretch gets when compressed. */
  maxIdleGap: number;
  /** Only the first `limit` events (playback); all when undefined. */
  limit?: number;
}

export const DEFAULT_LAYOUT: Omit<LayoutOptions, "measure"> = {
  relative: true,
  compressIdle: true,
  pxPerMs: 3,
  rowGap: 30,
  maxIdleGap: 56,
};

export interface Span {
  yMin: number;
  yMax: number;
}

export interface ArrowBox extends Span {
  arrow: Arrow;
  /** Index in model.arrows. */
  n: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
  labelX: number;
  labelY: number;
  /** Degrees: the label runs along the arrow, readable left to right, just above it. */
  labelAngle: number;
  /** "SYN,ACK" style, for data-flags. */
  flags: string;
  dashed: boolean;
  /** Short tags drawn before the label: "RETX", "DUP", "CRAFTED". */
  tags: string[];
  end: "arrow" | "cross" | "reject" | "open";
  /** Why it never arrived or was discarded ("bad checksum", "fault: drop"), drawn at its end. */
  endNote?: string;
}

export interface StateBox extends Span {
  host: Host;
  state: string;
  linux: string;
  cause: string;
  connection?: string;
  /** Inferred from a capture: drawn dashed, said so on hover. */
  inferred?: boolean;
  x: number;
  badgeX: number;
  badgeW: number;
  eventId: number;
}

export interface TimerBox extends Span {
  host: Host;
  timer: string;
  x: number;
  outcome: "pending" | "fired" | "cancelled";
  deadlineY?: number;
  eventId: number;
}

export interface MarkBox extends Span {
  host: Host;
  kind: "data" | "error";
  text: string;
  x: number;
  anchor: "start" | "end";
  eventId: number;
}

export interface BreakBox extends Span {
  ms: number;
}

export interface TickBox extends Span {
  text: string;
  step?: number;
}

export interface Layout {
  width: number;
  height: number;
  top: number;
  lifelines: { host: Host; x: number }[];
  arrows: ArrowBox[];
  states: StateBox[];
  timers: TimerBox[];
  marks: MarkBox[];
  breaks: BreakBox[];
  ticks: TickBox[];
  /** y of each event by index. */
  eventY: number[];
  /** Longest vertical extent of an arrow: bounds the visible-range search. */
  maxArrowSpan: number;
}

const TIME_COL = 64;
const TIMER_LANE = 12;
const TIMER_LANES = 3;
const BADGE_COL = 132;
const HEADER = 56;
const MIN_LINK_GAP = 360;
const ROW_EVENTS = new Set(["segmentSent", "segmentDelivered", "segmentDropped"]);

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

export function layoutDiagram(m: DiagramModel, opt: LayoutOptions): Layout {
  const n = Math.min(m.events.length, opt.limit ?? Infinity);
  const eventY: number[] = new Array(n);
  const breaks: BreakBox[] = [];
  let y = HEADER + 16;
  let prevTime = n ? m.events[0].time : 0;
  for (let i = 0; i < n; i++) {
    const e = m.events[i];
    const dt = Math.max(0, e.time - prevTime);
    let gap = dt * opt.pxPerMs;
    if (opt.compressIdle && gap > opt.maxIdleGap) {
      breaks.push({ yMin: y + 4, yMax: y + opt.maxIdleGap - 4, ms: dt });
      gap = opt.maxIdleGap;
    }
    if (i > 0) {
      if (ROW_EVENTS.has(e.kind)) gap = Math.max(gap, opt.rowGap);
      // Narration steps at one instant still get their own numbered circle each.
      else if (e.kind === "narration") gap = Math.max(gap, 18);
      else if (dt > 0) gap = Math.max(gap, 8);
    }
    y += gap;
    eventY[i] = y;
    prevTime = e.time;
  }
  const bottom = y + 40;

  // Columns: [time][timers][badges] client | link | server [badges][timers]
  const arrowsIn = m.arrows.filter((a) => a.index < n);
  const labels = arrowsIn.map((a) =>
    segmentLabel(a.segment, { relative: opt.relative, isns: m.isns }),
  );
  let widest = 0;
  // Measuring every label of a 10,000-segment lab would dominate layout time; the first
  // thousands set the width well enough.
  for (let i = 0; i < Math.min(labels.length, 2000); i++)
    widest = Math.max(widest, opt.measure(labels[i]) + 56);
  const linkGap = Math.max(MIN_LINK_GAP, widest);
  const xClient = TIME_COL + TIMER_LANE * TIMER_LANES + BADGE_COL;
  const xServer = xClient + linkGap;
  const width = xServer + BADGE_COL + TIMER_LANE * TIMER_LANES + 16;
  const xOf = (h: Host) => (h === "client" ? xClient : xServer);
  const idx = new Map<number, number>(); // event id -> index
  for (let i = 0; i < n; i++) idx.set(m.events[i].id, i);
  const yOfId = (id: number | undefined) => {
    const i = id === undefined ? undefined : idx.get(id);
    return i === undefined ? undefined : eventY[i];
  };

  const lossDrop = Math.max(opt.rowGap * 0.6, (m.latency * opt.pxPerMs) / 2);
  let maxArrowSpan = 0;
  const arrows: ArrowBox[] = arrowsIn.map((a, k) => {
    const x1 = xOf(a.from);
    const y1 = eventY[a.index];
    const xTo = xOf(a.to);
    const endY = yOfId(a.endEventId);
    let x2 = xTo;
    let y2: number;
    let end: ArrowBox["end"];
    if (a.fate === "lost") {
      x2 = x1 + (xTo - x1) * 0.5;
      y2 = y1 + lossDrop;
      end = "cross";
    } else if (endY === undefined) {
      // Still in flight (or its end lies beyond the playback cursor): half an arrow, open end.
      x2 = x1 + (xTo - x1) * 0.35;
      y2 = y1 + lossDrop * 0.7;
      end = "open";
    } else {
      y2 = endY;
      end = a.fate === "rejected" ? "reject" : "arrow";
    }
    const tags: string[] = [];
    if (a.retransmission) tags.push("RETX");
    if (a.duplicate) tags.push("DUP");
    if (a.crafted) tags.push("CRAFTED");
    if (!a.segment.checksumOk) tags.push("BAD CSUM");
    const label = (tags.length ? `[${tags.join(" ")}] ` : "") + labels[k];
    // The label sits at the middle of the shaft, rotated to its slope (read left to right).
    const [lx1, ly1, lx2, ly2] = x2 >= x1 ? [x1, y1, x2, y2] : [x2, y2, x1, y1];
    const slope = (Math.atan2(ly2 - ly1, lx2 - lx1) * 180) / Math.PI;
    // A cut-short arrow (lost, in flight) carries its label from the sender's end instead.
    const short = end === "cross" || end === "open";
    const labelX = short ? x1 + (x2 > x1 ? 14 : -14) : (x1 + x2) / 2;
    // A cut-short arrow's label is longer than its shaft: it runs level just above the start,
    // clear of the cross, instead of along the slope.
    const labelY = short ? y1 : (y1 + y2) / 2;
    const labelAngle = short ? 0 : slope;
    const yMin = Math.min(y1, y2) - 16;
    const yMax = Math.max(y1, y2) + 8;
    maxArrowSpan = Math.max(maxArrowSpan, yMax - yMin);
    return {
      arrow: a,
      n: k,
      x1,
      y1,
      x2,
      y2,
      label,
      labelX,
      labelY,
      labelAngle,
      flags: flagsAttr(a),
      dashed: a.retransmission || a.duplicate || a.crafted,
      tags,
      end,
      endNote:
        a.fate === "rejected" && a.reason?.startsWith("checksum")
          ? "bad checksum"
          : a.fate === "rejected" || a.fate === "lost"
            ? a.reason
            : undefined,
      yMin,
      yMax,
    };
  });

  const states: StateBox[] = [];
  for (const s of m.states) {
    const y1 = yOfId(s.eventId);
    if (y1 === undefined) continue;
    // The interval ends where the next state of the same host/connection starts.
    const y2 = yOfId(s.endEventId) ?? bottom;
    const badgeW = opt.measure(s.state) + 14;
    const x = xOf(s.host);
    states.push({
      host: s.host,
      state: s.state,
      linux: linuxStateName(s.state),
      cause: s.cause,
      connection: s.connection,
      ...(s.inferred ? { inferred: true } : {}),
      x,
      badgeX: s.host === "client" ? x - 10 - badgeW : x + 10,
      badgeW,
      eventId: s.eventId,
      yMin: y1 - 10,
      yMax: y2,
    });
  }

  const timers: TimerBox[] = [];
  const laneEnds: Record<Host, number[]> = { client: [], server: [] };
  for (const t of m.timers) {
    const y1 = yOfId(t.eventId);
    if (y1 === undefined) continue;
    const endIdx = t.end === undefined ? undefined : firstEventAtOrAfter(m, t.end, t.eventId, n);
    const y2 = endIdx === undefined ? bottom - 20 : eventY[endIdx];
    const lanes = laneEnds[t.host];
    let lane = lanes.findIndex((e) => e <= y1);
    if (lane < 0) lane = lanes.length < TIMER_LANES ? lanes.length : TIMER_LANES - 1;
    lanes[lane] = y2;
    const base = xOf(t.host);
    const off = BADGE_COL + 6 + lane * TIMER_LANE;
    const deadlineIdx =
      t.deadline === undefined ? undefined : firstEventAtOrAfter(m, t.deadline, t.eventId, n);
    timers.push({
      host: t.host,
      timer: t.timer,
      x: t.host === "client" ? base - off : base + off,
      outcome: endIdx === undefined ? "pending" : t.outcome,
      deadlineY: deadlineIdx === undefined ? undefined : eventY[deadlineIdx],
      eventId: t.eventId,
      yMin: y1,
      yMax: Math.max(y1 + 6, y2),
    });
  }

  const marks: MarkBox[] = [];
  for (const mk of m.marks) {
    const y1 = yOfId(mk.eventId);
    if (y1 === undefined) continue;
    const x = xOf(mk.host);
    marks.push({
      host: mk.host,
      kind: mk.kind,
      text: mk.kind === "data" ? `▤ ${mk.text}` : `⚠ ${mk.text}`,
      x: mk.host === "client" ? x - 8 : x + 8,
      anchor: mk.host === "client" ? "end" : "start",
      eventId: mk.eventId,
      yMin: y1 - 12,
      yMax: y1 + 4,
    });
  }

  const ticks: TickBox[] = [];
  const steps = new Map<number, number>();
  for (const s of m.narration) steps.set(s.eventId, s.step);
  for (let i = 0; i < n; i++) {
    const e = m.events[i];
    if (e.kind === "segmentSent" || steps.has(e.id))
      ticks.push({
        // Narration steps get their numbered circle; the time is on the segment rows.
        text: e.kind === "segmentSent" ? formatMs(e.time) : "",
        step: steps.get(e.id),
        yMin: eventY[i] - 10,
        yMax: eventY[i] + 4,
      });
  }

  return {
    width,
    height: bottom,
    top: HEADER,
    lifelines: [
      { host: "client", x: xClient },
      { host: "server", x: xServer },
    ],
    arrows,
    states,
    timers,
    marks,
    breaks,
    ticks,
    eventY,
    maxArrowSpan,
  };
}

function firstEventAtOrAfter(
  m: DiagramModel,
  time: number,
  afterId: number,
  n: number,
): number | undefined {
  // Events are in time order; the end of a bracket is the first event at that time after it began.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.events[mid].time < time) lo = mid + 1;
    else hi = mid;
  }
  while (lo < n && m.events[lo].id <= afterId) lo++;
  return lo < n ? lo : undefined;
}

export function flagsAttr(a: Pick<Arrow, "segment">): string {
  const order = ["SYN", "FIN", "RST", "PSH", "URG", "ACK", "ECE", "CWR"];
  return [...a.segment.flags].sort((x, y) => order.indexOf(x) - order.indexOf(y)).join(",");
}

/** Items overlapping [top, bottom]; arrows are sorted by y1, so a binary search bounds them. */
export function visibleArrows(l: Layout, top: number, bottom: number): ArrowBox[] {
  const a = l.arrows;
  let lo = 0;
  let hi = a.length;
  const from = top - l.maxArrowSpan;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid].yMin < from) lo = mid + 1;
    else hi = mid;
  }
  const out: ArrowBox[] = [];
  for (let i = lo; i < a.length && a[i].yMin <= bottom; i++) {
    if (a[i].yMax >= top) out.push(a[i]);
  }
  return out;
}

export function visible<T extends Span>(items: T[], top: number, bottom: number): T[] {
  return items.filter((s) => s.yMax >= top && s.yMin <= bottom);
}
