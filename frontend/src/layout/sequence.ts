// Diagram model -> positioned primitives. Pure: no DOM; text width comes from `measure`, so this is
// unit-tested in Node (the bramp/js-sequence-diagrams split).
//
// Time flows down: each event gets a y, at least a row apart for segment events, proportional to
// virtual time otherwise, with idle stretches optionally compressed to a fixed gap and marked
// (never while a segment is in flight, whose slope would lie). The two lifelines fit the width
// they are given, from a phone (360 px) to a projector, and never move as arrows arrive. Labels,
// badges and marks are placed with collision avoidance (collide.ts).
//
// The layout grows with the log: `extend` lays out only the events it has not seen, in event
// order, so a stream of 15,000 segments costs per event, not per render. Laying out the same
// events in one call or in many gives the same result.

import type { Arrow, DiagramModel } from "../model/diagram";
import type { Host } from "../model/events";
import { labelVariants, flagList } from "../model/format";
import type { Numbering } from "../model/numbering";
import { linuxStateName } from "../model/states";
import { Placements, type Box } from "./collide";
import { SpanIndex } from "./spans";

/** Short marks drawn before a label. */
export type ArrowTag = "retx" | "probe" | "dup" | "crafted" | "badsum";

export interface LayoutOptions {
  /** Width in px of a text in the diagram font (at `fontSize`). */
  measure: (text: string) => number;
  fontSize: number;
  numbering: Numbering;
  compressIdle: boolean;
  /** Vertical px per virtual millisecond. */
  pxPerMs: number;
  /** The width the diagram must fit, px. */
  width: number;
  /** A tag's text in the page's language ("RETX", "重传"). */
  tagText: (tag: ArrowTag) => string;
  /** Longest gap an idle stretch gets when compressed (default: 4.5 rows). */
  maxIdleGap?: number;
  /** The link's configured one-way latency (ms), for segments in flight before any arrived. */
  latencyMs?: number;
  /** Why a segment was dropped, in the page's language ("fault" -> "fault rule"). */
  reasonText?: (reason: string) => string;
}

export const DEFAULT_LAYOUT = {
  fontSize: 12,
  numbering: "relative" as Numbering,
  compressIdle: true,
  pxPerMs: 3,
  width: 860,
};

export const TAG_TEXT: Record<ArrowTag, string> = {
  retx: "RETX",
  probe: "ZERO-WINDOW PROBE",
  dup: "DUP",
  crafted: "CRAFTED",
  badsum: "BAD CSUM",
};

interface ItemBase {
  key: string;
  /** Changes whenever the item is laid out again, so a renderer knows to redraw it. */
  v: number;
  yMin: number;
  /** Infinity while its end is not known (drawn to the bottom). */
  yMax: number;
  /** Event index it belongs to (for playback and selection). */
  index: number;
}

/** Where a text goes: centre, rotation, size. */
export interface TextBox extends Box {
  lines: string[];
}

export interface ArrowItem extends ItemBase {
  type: "arrow";
  /** Index in model.arrows. */
  n: number;
  arrow: Arrow;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  end: "arrow" | "cross" | "reject" | "open";
  /** The full one-line label (titles, the text alternative). */
  text: string;
  label: TextBox;
  flags: string;
  tags: ArrowTag[];
  dashed: boolean;
  /** Why it never arrived or was discarded, drawn at its end. */
  endNote?: TextBox;
}

export interface StateItem extends ItemBase {
  type: "state";
  host: Host;
  state: string;
  linux: string;
  cause: string;
  inferred: boolean;
  connection?: string;
  /** The lifeline. */
  x: number;
  badge: { x: number; y: number; w: number; h: number };
  /** The band along the lifeline: from the badge to the next state (or the bottom). */
  bandTop: number;
  eventId: number;
}

export interface TimerItem extends ItemBase {
  type: "timer";
  host: Host;
  timer: string;
  x: number;
  y1: number;
  outcome: "pending" | "fired" | "cancelled";
  /** When it will fire (ms), while pending. */
  deadline?: number;
  /** Where that is, when it lies within what is laid out. */
  deadlineY?: number;
  label: TextBox;
  /** Which way the bracket's ticks point (towards the lifeline). */
  dir: 1 | -1;
}

export interface MarkItem extends ItemBase {
  type: "mark";
  host: Host;
  kind: "data" | "error" | "ack-suppressed";
  /** As drawn, with its icon: "▤ 11 B", "⚠ refused", "⊘ delayed-ack". */
  text: string;
  /** The model's text alone: "11 B", "refused", the suppression reason. */
  raw: string;
  detail?: string;
  box: TextBox;
  eventId: number;
}

export interface TickItem extends ItemBase {
  type: "tick";
  y: number;
  /** The send time, in the time column (wide layouts). */
  time?: string;
  step?: number;
  stepX: number;
}

export interface BreakItem extends ItemBase {
  type: "break";
  y: number;
  ms: number;
}

export type Item = ArrowItem | StateItem | TimerItem | MarkItem | TickItem | BreakItem;

export interface Geometry {
  width: number;
  /** Height of the sticky lifeline header. */
  head: number;
  lifelines: { host: Host; x: number }[];
  /** Badges sit on the lifeline (narrow) or beside it (wide). */
  narrow: boolean;
  fontSize: number;
  lineHeight: number;
  rowGap: number;
  timeColumn: number;
}

const TIMER_LANES = 3;
/** Where along its shaft a label may sit, in order of preference. */
const ALONG = [0.5, 0.36, 0.64, 0.26, 0.74, 0.18, 0.82];
const ROW_EVENTS = new Set(["segmentSent", "segmentDelivered", "segmentDropped"]);
const TIMER_SHORT: Record<string, string> = {
  retransmission: "RTO",
  "time-wait": "2MSL",
  "delayed-ack": "DACK",
  persist: "PERSIST",
  keepalive: "KEEP",
};

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** Where the lifelines and columns go for a width, whatever the log holds. */
export function geometry(o: LayoutOptions): Geometry {
  const f = o.fontSize;
  const lineHeight = Math.round(f * 1.4);
  const badgeW = o.measure("SYN_RECEIVED") + f;
  const lane = Math.round(f * 1.1);
  const timeColumn = Math.ceil(o.measure("10.000 s")) + 10;
  const outside = badgeW + 10 + TIMER_LANES * lane + 6;
  // Wide: [time][timers][badge] client | link | server [badge][timers]. Narrow: badges on the
  // lifelines and timers just inside them, so both headers fit a phone.
  const wide = o.width >= timeColumn + 2 * outside + 24 * f;
  const width = Math.max(o.width, 300);
  let xc: number;
  let xs: number;
  if (wide) {
    xc = timeColumn + outside;
    xs = width - outside;
  } else {
    const stepCol = f * 2;
    xc = stepCol + badgeW / 2 + 2;
    xs = width - badgeW / 2 - 4;
  }
  return {
    width,
    head: Math.round(f * 4),
    lifelines: [
      { host: "client", x: Math.round(xc) },
      { host: "server", x: Math.round(xs) },
    ],
    narrow: !wide,
    fontSize: f,
    lineHeight,
    rowGap: Math.round(f * 2.5),
    timeColumn: wide ? timeColumn : 0,
  };
}

/**
 * The layout of a growing log. `extend(m, n)` lays out events up to index n; the result is read
 * through `items`, `visible` and `arrowItem`. Options fixed at construction: a new width, zoom or
 * numbering means a new layout.
 */
export class SequenceLayout {
  readonly geo: Geometry;
  readonly eventY: number[] = [];
  private readonly index = new SpanIndex<Item>();
  private readonly arrowItems: ArrowItem[] = [];
  private readonly placed = new Placements();
  private readonly labelCache = new Map<number, string[][]>();
  private readonly openArrows = new Set<number>();
  /** Open arrows by segment id, to find the one an arrival or loss ends. */
  private readonly openBySegment = new Map<string, number[]>();
  private readonly openStates = new Map<string, StateItem>();
  private readonly openTimers = new Map<number, TimerItem>();
  private readonly lanes: Record<Host, (number | null)[]> = { client: [], server: [] };
  private readonly laneOf = new Map<number, number>();
  private narrationSeen = 0;
  private statesSeen = 0;
  private timersSeen = 0;
  private marksSeen = 0;
  private arrowsSeen = 0;
  private lastY: number;
  private lastTime = 0;
  private now = 0;
  private model: DiagramModel | null = null;
  private version = 0;
  private readonly badgeH: number;
  private readonly maxIdleGap: number;

  constructor(private readonly o: LayoutOptions) {
    this.geo = geometry(o);
    this.badgeH = Math.round(o.fontSize * 1.5);
    this.lastY = this.geo.head + this.geo.rowGap * 0.6;
    this.maxIdleGap = o.maxIdleGap ?? this.geo.rowGap * 1.9;
  }

  /** Events laid out so far. */
  get count(): number {
    return this.eventY.length;
  }

  /** The diagram's height: below the last event, and below anything still in flight. */
  get height(): number {
    let h = this.lastY + this.geo.rowGap * 1.4;
    for (const n of this.openArrows) h = Math.max(h, this.arrowItems[n].yMax + 10);
    return h;
  }

  get arrowCount(): number {
    return this.arrowItems.length;
  }

  arrowItem(n: number): ArrowItem | undefined {
    return this.arrowItems[n];
  }

  /** Every item, in no particular order (exports). */
  items(): Item[] {
    return [...this.index.all()];
  }

  /** Items that overlap [top, bottom] (the viewport). */
  visible(top: number, bottom: number): Item[] {
    return this.index.query(top, bottom);
  }

  xOf(h: Host): number {
    return this.geo.lifelines[h === "client" ? 0 : 1].x;
  }

  /**
   * Lays out events [count, n) of the model (the model only grows). `now` is the lab's time, for
   * a realtime lab whose clock runs on between events.
   */
  extend(m: DiagramModel, n = m.events.length, now?: number): void {
    this.model = m;
    const upTo = Math.min(n, m.events.length);
    const from = this.count;
    for (let i = from; i < upTo; i++) this.event(m, i);
    const last = upTo > 0 ? m.events[upTo - 1].time : 0;
    this.now = Math.max(last, upTo === m.events.length && now !== undefined ? now : last);
    // Arrows still in flight at the end of what is shown: drawn towards where they will arrive.
    for (const k of this.openArrows) this.provisional(this.arrowItems[k]);
    // A pending timer's deadline, when it falls among the events laid out.
    for (const t of this.openTimers.values()) {
      const y = t.deadline === undefined ? undefined : this.yAtTime(m, t.deadline, t.index);
      if (y !== t.deadlineY) {
        t.deadlineY = y;
        this.put(t);
      }
    }
  }

  /** y of the first laid-out event at or after a time (and after event `after`). */
  private yAtTime(m: DiagramModel, time: number, after: number): number | undefined {
    let lo = after + 1;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m.events[mid].time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count ? this.eventY[lo] : undefined;
  }

  private event(m: DiagramModel, i: number): void {
    const e = m.events[i];
    const g = this.geo;
    const dt = Math.max(0, e.time - this.lastTime);
    let gap = dt * this.o.pxPerMs;
    if (i > 0) {
      if (this.o.compressIdle && gap > this.maxIdleGap && this.openArrows.size === 0) {
        const y = this.lastY + this.maxIdleGap / 2;
        this.put({
          type: "break",
          key: `b${i}`,
          v: 0,
          y,
          ms: dt,
          yMin: y - 8,
          yMax: y + 8,
          index: i,
        });
        gap = this.maxIdleGap;
      }
      if (ROW_EVENTS.has(e.kind)) gap = Math.max(gap, g.rowGap);
      // Narration steps at one instant still get their own numbered circle each.
      else if (e.kind === "narration") gap = Math.max(gap, g.lineHeight * 1.3);
      else if (dt > 0) gap = Math.max(gap, g.fontSize * 0.7);
    }
    const y = (this.lastY += gap);
    this.eventY.push(y);
    this.lastTime = e.time;
    this.now = e.time;

    // What this event created or ended, in the order the model recorded it.
    while (this.arrowsSeen < m.arrows.length && m.arrows[this.arrowsSeen].index === i)
      this.newArrow(this.arrowsSeen++);
    if (e.kind === "segmentDelivered" || e.kind === "segmentDropped") {
      const open = this.openBySegment.get(e.segmentId);
      for (const k of open ? [...open] : []) {
        if (this.arrowItems[k].arrow.endIndex === i) this.finishArrow(k);
      }
    }
    while (this.statesSeen < m.states.length && m.states[this.statesSeen].index === i)
      this.newState(m, this.statesSeen++);
    if (e.kind === "timer") {
      for (const [k, t] of [...this.openTimers]) {
        if (m.timers[k].endIndex === i) this.finishTimer(k, t, y);
      }
    }
    while (this.timersSeen < m.timers.length && m.timers[this.timersSeen].index === i)
      this.newTimer(m, this.timersSeen++);
    while (this.marksSeen < m.marks.length && m.marks[this.marksSeen].index === i)
      this.newMark(m, this.marksSeen++);
    let step: number | undefined;
    if (this.narrationSeen < m.narration.length && m.narration[this.narrationSeen].index === i)
      step = m.narration[this.narrationSeen++].step;
    if (e.kind === "segmentSent" || step !== undefined) {
      const r = g.fontSize * 0.75;
      const stepX = g.narrow ? r + 2 : g.timeColumn - r - 2;
      this.put({
        type: "tick",
        key: `k${i}`,
        v: 0,
        y,
        time: e.kind === "segmentSent" && !g.narrow ? formatMs(e.time) : undefined,
        step,
        stepX,
        yMin: y - g.fontSize,
        yMax: y + g.fontSize * 0.5,
        index: i,
      });
      if (step !== undefined)
        this.placed.add(`k${i}`, { cx: stepX, cy: y - r * 0.6, w: 2 * r, h: 2 * r, angle: 0 });
    }
  }

  private put(it: Item): void {
    it.v = ++this.version;
    this.index.set(it);
  }

  // ---- arrows ------------------------------------------------------------------------------

  private newArrow(n: number): void {
    const a = this.model!.arrows[n];
    const tags: ArrowTag[] = [];
    if (a.probe) tags.push("probe");
    else if (a.retransmission) tags.push("retx");
    if (a.duplicate) tags.push("dup");
    if (a.crafted) tags.push("crafted");
    if (!a.segment.checksumOk) tags.push("badsum");
    const y1 = this.eventY[a.index];
    const item: ArrowItem = {
      type: "arrow",
      key: `a${n}`,
      v: 0,
      n,
      arrow: a,
      x1: this.xOf(a.from),
      y1,
      x2: this.xOf(a.from),
      y2: y1,
      end: "open",
      text: "",
      label: { cx: 0, cy: 0, w: 0, h: 0, angle: 0, lines: [] },
      flags: flagList(a.segment.flags),
      tags,
      dashed: a.retransmission || a.duplicate || a.crafted || a.probe,
      yMin: y1,
      yMax: y1,
      index: a.index,
    };
    const variants = this.variants(item);
    item.text = variants[0].join(" ");
    this.arrowItems[n] = item;
    this.openArrows.add(n);
    const same = this.openBySegment.get(a.segmentId);
    if (same) same.push(n);
    else this.openBySegment.set(a.segmentId, [n]);
    if (a.endIndex === a.index) this.finishArrow(n);
  }

  private variants(item: ArrowItem): string[][] {
    const known = this.labelCache.get(item.n);
    if (known) return known;
    const a = item.arrow;
    const prefix = item.tags.length
      ? `[${item.tags.map((t) => this.o.tagText(t)).join(" ")}] `
      : "";
    const v = labelVariants(a.segment, { numbering: this.o.numbering, numbers: a.numbers }).map(
      (lines) => [prefix + lines[0], ...lines.slice(1)],
    );
    this.labelCache.set(item.n, v);
    return v;
  }

  /** The arrow has arrived, been lost or been discarded: its final geometry and label. */
  private finishArrow(n: number): void {
    this.openArrows.delete(n);
    const it = this.arrowItems[n];
    const a = it.arrow;
    const same = this.openBySegment.get(a.segmentId);
    if (same && same.length > 1) same.splice(same.indexOf(n), 1);
    else this.openBySegment.delete(a.segmentId);
    const g = this.geo;
    const xTo = this.xOf(a.to);
    if (a.fate === "lost") {
      it.x2 = it.x1 + (xTo - it.x1) * 0.5;
      it.y2 = it.y1 + this.lossDrop();
      it.end = "cross";
    } else {
      it.x2 = xTo;
      it.y2 = this.eventY[a.endIndex!] ?? it.y1 + g.rowGap;
      it.end = a.fate === "rejected" ? "reject" : "arrow";
    }
    this.labelArrow(it, true);
    this.labelCache.delete(n);
    if (a.fate === "lost" || a.fate === "rejected") {
      const reason = a.reason ?? "";
      const text = this.o.reasonText
        ? `✗ ${this.o.reasonText(reason)}`
        : a.fate === "rejected" && reason.startsWith("checksum")
          ? "✗ bad checksum"
          : `✗ ${reason}`;
      const w = this.o.measure(text) + 4;
      const h = g.lineHeight;
      const towards = Math.sign(it.x2 - it.x1) || 1;
      // Below the end, else above it, else beside it on the sender's side.
      const cands: Box[] = [
        { cx: it.x2 - towards * (w / 2 - 8), cy: it.y2 + h, w, h, angle: 0 },
        { cx: it.x2 - towards * (w / 2 - 8), cy: it.y2 - h, w, h, angle: 0 },
        { cx: it.x2 - towards * (w / 2 + 14), cy: it.y2, w, h, angle: 0 },
        { cx: it.x2 - towards * (w / 2 - 8), cy: it.y2 + 2 * h, w, h, angle: 0 },
      ];
      const k = this.placed.place(
        `${it.key}n`,
        cands.map((c) => this.clampX(c)),
      );
      it.endNote = { ...this.clampX(cands[k]), lines: [text] };
    }
    this.bounds(it);
    this.put(it);
  }

  /** An arrow still in flight: towards where it will arrive at the observed latency, cut at now. */
  private provisional(it: ArrowItem): void {
    const a = it.arrow;
    const g = this.geo;
    const latency = Math.max(this.model!.latency || this.o.latencyMs || 0, 0.001);
    const dy = Math.max(g.rowGap, latency * this.o.pxPerMs);
    const frac = Math.max(0.15, Math.min(0.92, (this.now - a.sendTime) / latency));
    it.x2 = it.x1 + (this.xOf(a.to) - it.x1) * frac;
    it.y2 = it.y1 + dy * frac;
    it.end = "open";
    this.labelArrow(it, false);
    this.bounds(it);
    this.put(it);
  }

  private lossDrop(): number {
    return Math.max(this.geo.rowGap * 0.6, (this.model!.latency * this.o.pxPerMs) / 2);
  }

  /**
   * The label runs along the shaft, above it, readable left to right: the most detailed variant
   * that fits the shaft, at the first point along it where it covers nothing placed before.
   */
  private labelArrow(it: ArrowItem, reserve: boolean): void {
    const g = this.geo;
    const [lx1, ly1, lx2, ly2] =
      it.x2 >= it.x1 ? [it.x1, it.y1, it.x2, it.y2] : [it.x2, it.y2, it.x1, it.y1];
    const len = Math.hypot(lx2 - lx1, ly2 - ly1);
    const angle = (Math.atan2(ly2 - ly1, lx2 - lx1) * 180) / Math.PI;
    const variants = this.variants(it);
    const short = it.end === "open" || it.end === "cross";
    // A cut-short arrow's label is longer than its shaft: it runs level from the sender.
    const room = short ? Math.abs(this.xOf(it.arrow.to) - it.x1) - 16 : len - 24;
    const widest = (v: string[]) => Math.max(...v.map((line) => this.o.measure(line)));
    const lines = variants.find((v) => widest(v) <= room) ?? variants[variants.length - 1];
    const w = widest(lines) + 6;
    const h = g.lineHeight * lines.length;
    let candidate: (i: number) => Box | undefined;
    if (short) {
      const dir = Math.sign(this.xOf(it.arrow.to) - it.x1) || 1;
      const dys = [0, -1, 1, -2, 2];
      candidate = (i) =>
        i < dys.length
          ? this.clampX({
              cx: it.x1 + dir * (w / 2 + 8),
              cy: it.y1 - h / 2 - 2 + dys[i] * g.lineHeight,
              w,
              h,
              angle: 0,
            })
          : undefined;
    } else {
      const r = (angle * Math.PI) / 180;
      // The normal pointing up the page, so labels sit above the shaft (then below it).
      const nx = Math.sin(r);
      const ny = -Math.cos(r);
      const off = lines.length > 1 ? h / 4 : h / 2 + 1;
      candidate = (i) => {
        if (i >= 2 * ALONG.length) return undefined;
        const side = i < ALONG.length ? 1 : -1;
        const t = ALONG[i % ALONG.length];
        const px = lx1 + (lx2 - lx1) * t;
        const py = ly1 + (ly2 - ly1) * t;
        return { cx: px + side * nx * off, cy: py + side * ny * off, w, h, angle };
      };
    }
    let k: number;
    if (reserve) k = this.placed.place(it.key, candidate);
    else {
      // Still in flight: placed where it covers least, but reserving nothing, so the final layout
      // does not depend on when the log was cut.
      k = 0;
      let best = Infinity;
      for (let i = 0, c = candidate(0); c && best > 0; c = candidate(++i)) {
        const hits = this.placed.hits(c, best);
        if (hits < best) [k, best] = [i, hits];
      }
    }
    it.label = { ...candidate(k)!, lines };
  }

  private bounds(it: ArrowItem): void {
    let top = Math.min(it.y1, it.y2) - 4;
    let bottom = Math.max(it.y1, it.y2) + 4;
    for (const b of [it.label, it.endNote]) {
      if (!b) continue;
      const half = (Math.abs(Math.sin((b.angle * Math.PI) / 180)) * b.w) / 2 + b.h / 2 + 2;
      top = Math.min(top, b.cy - half);
      bottom = Math.max(bottom, b.cy + half);
    }
    it.yMin = top;
    it.yMax = bottom;
  }

  private clampX(b: Box): Box {
    const half = b.w / 2;
    return { ...b, cx: Math.max(half + 2, Math.min(this.geo.width - half - 2, b.cx)) };
  }

  // ---- states, timers, marks ---------------------------------------------------------------

  private newState(m: DiagramModel, k: number): void {
    const s = m.states[k];
    const g = this.geo;
    const y = this.eventY[s.index];
    const key = `${s.host}/${s.connection ?? ""}`;
    const prev = this.openStates.get(key);
    if (prev) {
      prev.yMax = y;
      this.put(prev);
    }
    const x = this.xOf(s.host);
    const w = this.o.measure(s.state) + g.fontSize;
    const h = this.badgeH;
    const out = s.host === "client" ? -1 : 1;
    const cx = g.narrow ? x : x + out * (10 + w / 2);
    const cands: Box[] = [];
    for (const dy of [0, 1, 2, -1, 3, 4])
      cands.push(this.clampX({ cx, cy: y + dy * (h + 2), w, h, angle: 0 }));
    const c = cands[this.placed.place(`s${s.eventId}`, cands)];
    const item: StateItem = {
      type: "state",
      key: `s${s.eventId}`,
      v: 0,
      host: s.host,
      state: s.state,
      linux: linuxStateName(s.state),
      cause: s.cause,
      inferred: s.inferred,
      connection: s.connection,
      x,
      badge: { x: c.cx - w / 2, y: c.cy - h / 2, w, h },
      bandTop: y,
      eventId: s.eventId,
      yMin: Math.min(y, c.cy - h / 2) - 1,
      yMax: Infinity,
      index: s.index,
    };
    this.openStates.set(key, item);
    this.put(item);
  }

  private newTimer(m: DiagramModel, k: number): void {
    const t = m.timers[k];
    const g = this.geo;
    const y1 = this.eventY[t.index];
    const lanes = this.lanes[t.host];
    let lane = lanes.findIndex((end) => end !== null && end <= y1);
    if (lane < 0) lane = lanes.length < TIMER_LANES ? lanes.length : TIMER_LANES - 1;
    lanes[lane] = null; // busy until it ends
    this.laneOf.set(k, lane);
    const base = this.xOf(t.host);
    const laneW = Math.round(g.fontSize * 1.1);
    const badgeW = this.o.measure("SYN_RECEIVED") + g.fontSize;
    // Wide: outside the badges; narrow: just inside the lifelines, beside the state band.
    const inward = t.host === "client" ? 1 : -1;
    const x = g.narrow
      ? base + inward * (10 + lane * laneW)
      : base - inward * (badgeW + 16 + lane * laneW);
    const text = TIMER_SHORT[t.timer] ?? t.timer;
    const w = this.o.measure(text) + 2;
    const h = g.lineHeight;
    // Narrow: the label sits on the inner side of its bracket, clear of the lifeline's state band.
    const cx = g.narrow ? x + inward * (w / 2 + 3) : x;
    const cands: Box[] = [0, 1, 2].map((up) =>
      this.clampX({ cx, cy: y1 - h / 2 - 1 - up * h, w, h, angle: 0 }),
    );
    const c = cands[this.placed.place(`t${t.eventId}`, cands)];
    const deadline = t.deadline;
    const item: TimerItem = {
      type: "timer",
      key: `t${t.eventId}`,
      v: 0,
      host: t.host,
      timer: t.timer,
      x,
      y1,
      outcome: "pending",
      deadline,
      label: { ...c, lines: [text] },
      dir: inward as 1 | -1,
      yMin: Math.min(y1, c.cy - h / 2),
      yMax: Infinity,
      index: t.index,
    };
    this.openTimers.set(k, item);
    this.put(item);
  }

  private finishTimer(k: number, it: TimerItem, y: number): void {
    const t = this.model!.timers[k];
    this.openTimers.delete(k);
    it.outcome = t.outcome === "pending" ? "cancelled" : t.outcome;
    it.yMax = Math.max(it.y1 + 6, y);
    it.deadline = undefined;
    it.deadlineY = undefined;
    const lane = this.laneOf.get(k);
    if (lane !== undefined) this.lanes[it.host][lane] = it.yMax;
    this.put(it);
  }

  private newMark(m: DiagramModel, k: number): void {
    const mk = m.marks[k];
    const g = this.geo;
    const y = this.eventY[mk.index];
    const x = this.xOf(mk.host);
    const icon = mk.kind === "data" ? "▤" : mk.kind === "error" ? "⚠" : "⊘";
    const text = `${icon} ${mk.text}`;
    const w = this.o.measure(text) + 4;
    const h = g.lineHeight;
    const out = mk.host === "client" ? -1 : 1;
    const badgeW = this.o.measure("SYN_RECEIVED") + g.fontSize;
    const beside = (side: number, dy: number): Box =>
      this.clampX({
        cx: x + side * ((g.narrow && side === out ? badgeW / 2 : 0) + 8 + w / 2),
        cy: y + dy * h,
        w,
        h,
        angle: 0,
      });
    // Inside the link first on narrow screens (outside is where the badges are), outside first
    // on wide ones.
    const sides = g.narrow ? [-out, out] : [out, -out];
    const cands: Box[] = [];
    for (const dy of [0, 1, -1, 2]) for (const side of sides) cands.push(beside(side, dy));
    const c = cands[this.placed.place(`m${mk.eventId}`, cands)];
    this.put({
      type: "mark",
      key: `m${mk.eventId}`,
      v: 0,
      host: mk.host,
      kind: mk.kind,
      text,
      raw: mk.text,
      detail: mk.detail,
      box: { ...c, lines: [text] },
      eventId: mk.eventId,
      yMin: c.cy - h / 2,
      yMax: c.cy + h / 2,
      index: mk.index,
    });
  }
}

/** Lays a whole model out in one go (tests, exports). */
export function layoutDiagram(m: DiagramModel, o: LayoutOptions, limit?: number): SequenceLayout {
  const l = new SequenceLayout(o);
  l.extend(m, limit ?? m.events.length);
  return l;
}
