import { describe, expect, it } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { buildDiagram, DiagramBuilder } from "../src/model/diagram";
import {
  DEFAULT_LAYOUT,
  layoutDiagram,
  visibleArrows,
  type LayoutOptions,
} from "../src/layout/sequence";
import { droppedSynEvents, handshakeEvents, segment } from "./fixtures/wire";

// A monospace-ish measure: 7 px per character, so widths are predictable without a DOM.
const opts = (o: Partial<LayoutOptions> = {}): LayoutOptions => ({
  ...DEFAULT_LAYOUT,
  measure: (t) => t.length * 7,
  ...o,
});

describe("sequence layout", () => {
  const m = buildDiagram(handshakeEvents().map(decodeEvent));

  it("draws each segment from its sender's lifeline at send time to the receiver's at arrival", () => {
    const l = layoutDiagram(m, opts());
    const [client, server] = l.lifelines.map((x) => x.x);
    expect(client).toBeLessThan(server);
    const [syn, synAck, ack] = l.arrows;
    expect([syn.x1, syn.x2]).toEqual([client, server]);
    expect([synAck.x1, synAck.x2]).toEqual([server, client]);
    // Time flows down, latency shows as a slant, and each send follows the previous arrival.
    expect(syn.y2).toBeGreaterThan(syn.y1);
    expect(synAck.y1).toBeGreaterThanOrEqual(syn.y2);
    expect(ack.y1).toBeGreaterThanOrEqual(synAck.y2);
    expect(l.arrows.map((a) => a.flags)).toEqual(["SYN", "SYN,ACK", "ACK"]);
    expect(l.arrows.map((a) => a.end)).toEqual(["arrow", "arrow", "arrow"]);
  });

  it("makes the link wide enough for the longest label", () => {
    const l = layoutDiagram(m, opts({ measure: (t) => t.length * 20 }));
    const longest = Math.max(...l.arrows.map((a) => a.label.length * 20));
    expect(l.lifelines[1].x - l.lifelines[0].x).toBeGreaterThanOrEqual(longest);
  });

  it("places state badges beside the lifeline of their host", () => {
    const l = layoutDiagram(m, opts());
    const est = l.states.filter((s) => s.state === "ESTABLISHED");
    expect(est.map((s) => s.host).sort()).toEqual(["client", "server"]);
    const client = l.states.find((s) => s.host === "client")!;
    expect(client.badgeX + client.badgeW).toBeLessThan(l.lifelines[0].x);
    const syncRecv = l.states.find((s) => s.state === "SYN_RECEIVED")!;
    expect(syncRecv.linux).toBe("SYN_RECV");
    expect(syncRecv.badgeX).toBeGreaterThan(l.lifelines[1].x);
  });

  it("ends a lost segment in a cross half way across the link", () => {
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const l = layoutDiagram(d, opts());
    const [lost, retx] = l.arrows;
    expect(lost.end).toBe("cross");
    const mid = (l.lifelines[0].x + l.lifelines[1].x) / 2;
    expect(lost.x2).toBeCloseTo(mid);
    expect(retx.dashed).toBe(true);
    expect(retx.label.startsWith("[RETX] SYN")).toBe(true);
  });

  it("compresses idle time into a marked break, or draws it to scale", () => {
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const compressed = layoutDiagram(d, opts({ compressIdle: true, pxPerMs: 3 }));
    const scaled = layoutDiagram(d, opts({ compressIdle: false, pxPerMs: 3 }));
    expect(compressed.breaks.map((b) => b.ms)).toEqual([1000]);
    expect(scaled.breaks).toEqual([]);
    const gap = (l: typeof scaled) => l.arrows[1].y1 - l.arrows[0].y1;
    expect(gap(scaled)).toBeGreaterThanOrEqual(3000);
    expect(gap(compressed)).toBeLessThan(200);
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
    const ys = l.arrows.map((a) => a.y1);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(DEFAULT_LAYOUT.rowGap);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(DEFAULT_LAYOUT.rowGap);
    expect(l.arrows.every((a) => a.end === "open")).toBe(true);
  });

  it("lays out only the first events when a playback limit is set", () => {
    const l = layoutDiagram(m, opts({ limit: 8 }));
    expect(l.arrows.length).toBe(1);
    expect(l.arrows[0].end).toBe("arrow");
    expect(l.eventY.length).toBe(8);
  });

  it("finds just the visible arrows of 10,000 segments quickly", () => {
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
    const t0 = performance.now();
    const l = layoutDiagram(b.model, opts());
    const layoutMs = performance.now() - t0;
    const top = l.arrows[5000].y1;
    const vis = visibleArrows(l, top, top + 800);
    expect(vis.length).toBeGreaterThan(5);
    expect(vis.length).toBeLessThan(60);
    expect(vis.every((a) => a.yMax >= top && a.yMin <= top + 800)).toBe(true);
    // Generous bound for a loaded 2-core CI machine; typically ~30 ms.
    expect(layoutMs).toBeLessThan(1500);
  });
});

describe("drop notes", () => {
  it("says why a segment was lost or discarded", async () => {
    const { corruptEvents } = await import("./fixtures/wire");
    const opt: LayoutOptions = { ...DEFAULT_LAYOUT, measure: (t) => t.length * 7 };
    const lost = layoutDiagram(buildDiagram(droppedSynEvents().map(decodeEvent)), opt);
    expect(lost.arrows[0].endNote).toBe("fault: drop");
    expect(lost.arrows[1].endNote).toBeUndefined();
    const bad = layoutDiagram(buildDiagram(corruptEvents().map(decodeEvent)), opt);
    expect(bad.arrows[0].end).toBe("reject");
    expect(bad.arrows[0].endNote).toBe("bad checksum");
    expect(bad.arrows[0].x2).toBe(bad.lifelines[1].x);
  });
});
