import { describe, expect, it } from "vitest";
import { buildDiagram } from "../src/model/diagram";
import {
  DEFAULT_LAYOUT,
  TAG_TEXT,
  layoutDiagram,
  type LayoutOptions,
} from "../src/layout/sequence";
import { diagramBands } from "../src/layout/bands";
import { decodeEvent } from "../src/api/decode";
import { CLIENT_ISN, SERVER_ISN, handshakeEvents, segment } from "./fixtures/wire";

const opts: LayoutOptions = {
  ...DEFAULT_LAYOUT,
  measure: (t) => t.length * 7.2,
  tagText: (t) => TAG_TEXT[t],
};

/** The handshake and then 30 data segments: a diagram taller than one band. */
function tallLayout() {
  const hs = handshakeEvents();
  const data = Array.from({ length: 30 }, (_, i) => {
    const seq = CLIENT_ISN + 1 + i * 10;
    const t = 100 + i * 40;
    const id = `d${i}`;
    return [
      {
        time: t,
        type: "segment.sent",
        connection: "1",
        segmentId: id,
        from: "client",
        to: "server",
        retransmission: false,
        segment: segment({
          from: "client",
          seq,
          ack: SERVER_ISN + 1,
          flags: ["ACK", "PSH"],
          text: "0123456789",
        }),
      },
      { time: t + 10, type: "segment.delivered", connection: "1", segmentId: id, to: "server" },
    ];
  }).flat();
  const events = [...hs, ...data.map((e, i) => ({ ...e, id: hs.length + i + 1 }))].map(decodeEvent);
  return layoutDiagram(buildDiagram(events), { ...opts, width: 640 });
}

describe("diagram bands for print", () => {
  it("a short diagram is one band from the heads to its bottom", () => {
    const l = layoutDiagram(buildDiagram(handshakeEvents().map(decodeEvent)), {
      ...opts,
      width: 640,
    });
    expect(diagramBands(l.items(), l.geo.head, l.height, 5000)).toEqual([
      { top: l.geo.head, bottom: l.height },
    ]);
  });

  it("cuts a tall one into bands no taller than asked, never through an arrow", () => {
    const l = tallLayout();
    const max = 200;
    const bands = diagramBands(l.items(), l.geo.head, l.height, max);
    expect(l.arrowCount).toBe(33);
    expect(bands.length).toBeGreaterThan(3);
    expect(bands[0].top).toBe(l.geo.head);
    expect(bands.at(-1)!.bottom).toBe(l.height);
    for (let i = 1; i < bands.length; i++) expect(bands[i].top).toBe(bands[i - 1].bottom);
    for (const b of bands) expect(b.bottom - b.top).toBeLessThanOrEqual(max);
    for (let n = 0; n < l.arrowCount; n++) {
      const a = l.arrowItem(n)!;
      for (const b of bands.slice(1))
        expect(a.yMin < b.top && a.yMax > b.top, `arrow ${n} crosses a cut`).toBe(false);
    }
  });

  it("an arrow taller than a band keeps its band whole rather than being cut", () => {
    const l = tallLayout();
    const bands = diagramBands(l.items(), l.geo.head, l.height, 5);
    for (let n = 0; n < l.arrowCount; n++) {
      const a = l.arrowItem(n)!;
      for (const b of bands.slice(1)) expect(a.yMin < b.top && a.yMax > b.top).toBe(false);
    }
  });
});
