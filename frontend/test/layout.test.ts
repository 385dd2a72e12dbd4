import { describe, expect, it } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { buildDiagram, DiagramBuilder, type DiagramModel } from "../src/model/diagram";
import {
  DEFAULT_LAYOUT,
  SequenceLayout,
  TAG_TEXT,
  geometry,
  layoutDiagram,
  type ArrowItem,
  type Item,
  type LayoutOptions,
  type StateItem,
} from "../src/layout/sequence";
import { overlaps, type Box } from "../src/layout/collide";
import {
  corruptEvents,
  droppedSynEvents,
  handshakeEvents,
  segment,
  simultaneousOpenEvents,
} from "./fixtures/wire";

// A monospace measure, 7.2 px per character at 12 px, so widths are predictable without a DOM.
const opts = (o: Partial<LayoutOptions> = {}): LayoutOptions => ({
  ...DEFAULT_LAYOUT,
  measure: (t) => t.length * 7.2 * ((o.fontSize ?? 12) / 12),
  tagText: (t) => TAG_TEXT[t],
  ...o,
});

const of = <T extends Item["type"]>(l: SequenceLayout, type: T) =>
  l.items().filter((i): i is Extract<Item, { type: T }> => i.type === type);
const arrows = (l: SequenceLayout) =>
  Array.from({ length: l.arrowCount }, (_, n) => l.arrowItem(n)!);
const xs = (l: SequenceLayout) => l.geo.lifelines.map((x) => x.x);

/** Every text the layout placed, as boxes. */
function textBoxes(l: SequenceLayout): { what: string; box: Box }[] {
  const out: { what: string; box: Box }[] = [];
  for (const it of l.items()) {
    if (it.type === "arrow") {
      out.push({ what: `label ${it.text}`, box: it.label });
      if (it.endNote) out.push({ what: `note ${it.endNote.lines[0]}`, box: it.endNote });
    } else if (it.type === "state") {
      const b = it.badge;
      out.push({
        what: `badge ${it.host} ${it.state}`,
        box: { cx: b.x + b.w / 2, cy: b.y + b.h / 2, w: b.w, h: b.h, angle: 0 },
      });
    } else if (it.type === "mark") out.push({ what: `mark ${it.text}`, box: it.box });
    else if (it.type === "timer") out.push({ what: `timer ${it.timer}`, box: it.label });
  }
  return out;
}

function collisions(l: SequenceLayout): string[] {
  const boxes = textBoxes(l);
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      if (overlaps(boxes[i].box, boxes[j].box)) out.push(`${boxes[i].what} × ${boxes[j].what}`);
  return out;
}

const handshake = () => buildDiagram(handshakeEvents().map(decodeEvent));

describe("sequence layout", () => {
  const m = handshake();

  it("draws each segment from its sender's lifeline at send time to the receiver's at arrival", () => {
    const l = layoutDiagram(m, opts());
    const [client, server] = xs(l);
    expect(client).toBeLessThan(server);
    const [syn, synAck, ack] = arrows(l);
    expect([syn.x1, syn.x2]).toEqual([client, server]);
    expect([synAck.x1, synAck.x2]).toEqual([server, client]);
    // Time flows down, latency shows as a slant, and each send follows the previous arrival.
    expect(syn.y2).toBeGreaterThan(syn.y1);
    expect(synAck.y1).toBeGreaterThanOrEqual(syn.y2);
    expect(ack.y1).toBeGreaterThanOrEqual(synAck.y2);
    expect(arrows(l).map((a) => a.flags)).toEqual(["SYN", "SYN,ACK", "ACK"]);
    expect(arrows(l).map((a) => a.end)).toEqual(["arrow", "arrow", "arrow"]);
  });

  it("runs each label along its arrow, above it, readable left to right", () => {
    const l = layoutDiagram(m, opts());
    for (const a of arrows(l)) {
      expect(Math.abs(a.label.angle)).toBeLessThan(90);
      const slope = (Math.atan2(Math.abs(a.y2 - a.y1), Math.abs(a.x2 - a.x1)) * 180) / Math.PI;
      expect(Math.abs(Math.abs(a.label.angle) - slope)).toBeLessThan(0.01);
    }
  });

  it("places state badges beside the lifeline of their host on wide screens", () => {
    const l = layoutDiagram(m, opts({ width: 1000 }));
    expect(l.geo.narrow).toBe(false);
    const states = of(l, "state");
    const est = states.filter((s) => s.state === "ESTABLISHED");
    expect(est.map((s) => s.host).sort()).toEqual(["client", "server"]);
    const client = states.find((s) => s.host === "client")!;
    expect(client.badge.x + client.badge.w).toBeLessThan(l.geo.lifelines[0].x);
    const synRecv = states.find((s) => s.state === "SYN_RECEIVED")!;
    expect(synRecv.linux).toBe("SYN_RECV");
    expect(synRecv.badge.x).toBeGreaterThan(l.geo.lifelines[1].x);
  });

  it("ends a lost segment in a cross half way across the link, and says why", () => {
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const l = layoutDiagram(d, opts());
    const [lost, retx] = arrows(l);
    expect(lost.end).toBe("cross");
    const [c, s] = xs(l);
    expect(lost.x2).toBeCloseTo((c + s) / 2);
    expect(lost.endNote?.lines).toEqual(["✗ fault: drop"]);
    expect(retx.dashed).toBe(true);
    expect(retx.label.lines[0].startsWith("[RETX] SYN")).toBe(true);
    expect(retx.endNote).toBeUndefined();
  });

  it("draws a corrupt segment to the receiver, discarded there", () => {
    const l = layoutDiagram(buildDiagram(corruptEvents().map(decodeEvent)), opts());
    const a = l.arrowItem(0)!;
    expect(a.end).toBe("reject");
    expect(a.endNote?.lines).toEqual(["✗ bad checksum"]);
    expect(a.x2).toBe(l.geo.lifelines[1].x);
  });

  it("compresses idle time into a marked break, or draws it to scale", () => {
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const compressed = layoutDiagram(d, opts({ compressIdle: true, pxPerMs: 3 }));
    const scaled = layoutDiagram(d, opts({ compressIdle: false, pxPerMs: 3 }));
    expect(of(compressed, "break").map((b) => b.ms)).toEqual([1000]);
    expect(of(scaled, "break")).toEqual([]);
    const gap = (l: SequenceLayout) => l.arrowItem(1)!.y1 - l.arrowItem(0)!.y1;
    expect(gap(scaled)).toBeGreaterThanOrEqual(3000);
    expect(gap(compressed)).toBeLessThan(200);
  });

  it("never compresses a stretch in which a segment is in flight", () => {
    // A 500 ms link: the SYN is in the air the whole time; its slope must show it.
    const events = handshakeEvents()
      .map((e) => ({ ...e, time: (e.time as number) * 50 }))
      .map(decodeEvent);
    const l = layoutDiagram(buildDiagram(events), opts({ compressIdle: true, pxPerMs: 1 }));
    const syn = l.arrowItem(0)!;
    expect(of(l, "break").filter((b) => b.y > syn.y1 && b.y < syn.y2)).toEqual([]);
    expect(syn.y2 - syn.y1).toBeGreaterThanOrEqual(500);
  });

  it("keeps separate rows for segments sent at the same instant", () => {
    const b = new DiagramBuilder();
    for (let i = 0; i < 3; i++)
      b.add(
        decodeEvent({
          id: i + 1,
          time: 0,
          type: "segment.sent",
          segmentId: String(i + 1),
          from: "client",
          to: "server",
          retransmission: false,
          segment: segment({
            from: "client",
            seq: 1 + i * 10,
            ack: 1,
            flags: ["ACK"],
            text: "0123456789",
          }),
        }),
      );
    const l = layoutDiagram(b.model, opts());
    const ys = arrows(l).map((a) => a.y1);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(l.geo.rowGap);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(l.geo.rowGap);
    expect(arrows(l).every((a) => a.end === "open")).toBe(true);
  });

  it("draws an arrow in flight along the slope it will have when it arrives", () => {
    const all = handshakeEvents().map(decodeEvent);
    const synSent = all.findIndex((e) => e.kind === "segmentSent");
    const m2 = buildDiagram(all);
    // Cut just after the SYN is sent: it is in flight, heading for the server at the latency seen.
    const cut = layoutDiagram(m2, opts({ compressIdle: false }), synSent + 1);
    const open = cut.arrowItem(0)!;
    expect(open.end).toBe("open");
    const whole = layoutDiagram(m2, opts({ compressIdle: false }));
    const done = whole.arrowItem(0)!;
    const slope = (a: ArrowItem) => (a.y2 - a.y1) / (a.x2 - a.x1);
    expect(slope(open)).toBeCloseTo(slope(done), 1);
    expect(open.x2).toBeLessThan(done.x2);
  });

  it("lays out only the first events when a playback limit is set", () => {
    const l = layoutDiagram(m, opts(), 8);
    expect(l.arrowCount).toBe(1);
    expect(l.count).toBe(8);
  });

  it("gives the same layout whether the log arrives at once or event by event", () => {
    const d = buildDiagram(simultaneousOpenEvents().map(decodeEvent));
    const once = layoutDiagram(d, opts());
    const grown = new SequenceLayout(opts());
    for (let i = 1; i <= d.events.length; i++) grown.extend(d, i);
    const strip = (l: SequenceLayout) =>
      l
        .items()
        .map((i) => ({ ...i, v: 0 }))
        .sort((a, b) => a.key.localeCompare(b.key));
    expect(strip(grown)).toEqual(strip(once));
  });
});

describe("fitting the screen", () => {
  const m = handshake();

  for (const width of [360, 390, 600, 1024, 1400]) {
    it(`keeps both lifelines, their badges and every label inside ${width} px`, () => {
      const l = layoutDiagram(m, opts({ width }));
      const [c, s] = xs(l);
      expect(c).toBeGreaterThan(0);
      expect(s).toBeLessThan(width);
      expect(s - c).toBeGreaterThan(width * 0.45);
      for (const { what, box } of textBoxes(l)) {
        const half = (Math.abs(Math.cos((box.angle * Math.PI) / 180)) * box.w) / 2;
        expect(box.cx - half, what).toBeGreaterThanOrEqual(-1);
        expect(box.cx + half, what).toBeLessThanOrEqual(width + 1);
      }
    });
  }

  it("puts badges on the lifelines and drops options from labels on a phone", () => {
    const l = layoutDiagram(m, opts({ width: 360 }));
    expect(l.geo.narrow).toBe(true);
    for (const s of of(l, "state")) {
      const x = l.geo.lifelines[s.host === "client" ? 0 : 1].x;
      expect(s.badge.x).toBeLessThan(x);
      expect(s.badge.x + s.badge.w).toBeGreaterThan(x);
    }
    expect(arrows(l).every((a) => !a.label.lines.join(" ").includes("<mss"))).toBe(true);
  });

  it("keeps timer labels off the lifelines' state bands on a phone", () => {
    const l = layoutDiagram(m, opts({ width: 360 }));
    const timers = of(l, "timer");
    expect(timers.length).toBeGreaterThan(0);
    for (const t of timers) {
      const x = l.geo.lifelines[t.host === "client" ? 0 : 1].x;
      // The band is 8 px wide, centred on the lifeline.
      expect(Math.abs(t.label.cx - x), `${t.host} ${t.timer}`).toBeGreaterThanOrEqual(
        t.label.w / 2 + 4,
      );
    }
  });

  it("never moves a lifeline as arrows arrive", () => {
    const g = geometry(opts({ width: 800 }));
    const l = new SequenceLayout(opts({ width: 800 }));
    for (let i = 1; i <= m.events.length; i++) {
      l.extend(m, i);
      expect(l.geo.lifelines).toEqual(g.lifelines);
    }
  });

  it("scales text and rows up for a projector", () => {
    const big = geometry(opts({ fontSize: 18, width: 1024 }));
    const normal = geometry(opts({ width: 1024 }));
    expect(big.rowGap).toBeGreaterThan(normal.rowGap);
    expect(big.lineHeight).toBeGreaterThan(normal.lineHeight);
  });
});

describe("labels never overlap", () => {
  const cases: [string, () => DiagramModel][] = [
    ["the handshake", handshake],
    ["a lost SYN", () => buildDiagram(droppedSynEvents().map(decodeEvent))],
    [
      "crossing SYNs (simultaneous open)",
      () => buildDiagram(simultaneousOpenEvents().map(decodeEvent)),
    ],
  ];
  for (const [name, make] of cases)
    for (const width of [360, 1024])
      it(`in ${name} at ${width} px`, () => {
        expect(collisions(layoutDiagram(make(), opts({ width })))).toEqual([]);
      });

  it("moves data and error marks off the state badges they would cover", () => {
    const d = buildDiagram(simultaneousOpenEvents().map(decodeEvent));
    const l = layoutDiagram(d, opts({ width: 1024 }));
    const marks = of(l, "mark");
    expect(marks.map((x) => x.text)).toEqual(["▤ 11 B", "⚠ reset"]);
    const badges: StateItem[] = of(l, "state");
    for (const mk of marks)
      for (const s of badges) {
        const b = s.badge;
        expect(
          overlaps(mk.box, { cx: b.x + b.w / 2, cy: b.y + b.h / 2, w: b.w, h: b.h, angle: 0 }),
        ).toBe(false);
      }
  });
});

describe("the engine's newer events", () => {
  it("marks a suppressed ACK on the host's lifeline, and labels a zero-window probe as such", () => {
    const b = new DiagramBuilder();
    const events = [
      {
        id: 1,
        time: 0,
        type: "segment.sent",
        segmentId: "1",
        from: "client",
        to: "server",
        retransmission: true,
        probe: true,
        segment: segment({ from: "client", seq: 1, ack: 1, flags: ["ACK"], text: "x" }),
      },
      { id: 2, time: 10, type: "segment.delivered", segmentId: "1", to: "server" },
      {
        id: 3,
        time: 10,
        type: "ack.suppressed",
        host: "server",
        reason: "delayed-ack",
        detail: "d",
      },
    ];
    for (const e of events) b.add(decodeEvent(e));
    const l = layoutDiagram(b.model, opts());
    const probe = l.arrowItem(0)!;
    expect(probe.tags).toEqual(["probe"]);
    expect(probe.label.lines[0].startsWith("[ZERO-WINDOW PROBE]")).toBe(true);
    expect(probe.label.lines[0]).not.toContain("RETX");
    const mark = of(l, "mark")[0];
    expect(mark).toMatchObject({ kind: "ack-suppressed", host: "server", raw: "delayed-ack" });
    expect(Math.abs(mark.box.cx - l.geo.lifelines[1].x)).toBeLessThan(200);
  });
});

describe("the visible range", () => {
  it("finds just what is in view of 10,000 segments", () => {
    const b = new DiagramBuilder();
    let id = 1;
    for (let i = 0; i < 10_000; i++) {
      const from = i % 2 ? "server" : "client";
      b.add(
        decodeEvent({
          id: id++,
          time: i,
          type: "segment.sent",
          segmentId: String(i),
          from,
          to: from === "client" ? "server" : "client",
          retransmission: false,
          segment: segment({ from, seq: i * 100, ack: 1, flags: ["ACK"] }),
        }),
      );
      b.add(
        decodeEvent({
          id: id++,
          time: i + 0.5,
          type: "segment.delivered",
          segmentId: String(i),
          to: from === "client" ? "server" : "client",
        }),
      );
    }
    const l = layoutDiagram(b.model, opts());
    const top = l.arrowItem(5000)!.y1;
    const vis = l.visible(top, top + 800).filter((i) => i.type === "arrow");
    expect(vis.length).toBeGreaterThan(5);
    expect(vis.length).toBeLessThan(60);
    expect(vis.every((a) => a.yMax >= top && a.yMin <= top + 800)).toBe(true);
  });
});
